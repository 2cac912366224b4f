# SPDX-License-Identifier: GPL-2.0
# Build of xdpdns: BPF objects and skeletons, the userspace library, the
# daemon, the CLI, the tests. Output goes to $(OUTPUT); V=1 shows commands.

OUTPUT ?= .output
CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PYTHON ?= /usr/bin/python3

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

PREFIX ?= /usr
OPT_CFLAGS ?= -O2
CFLAGS ?= -g $(OPT_CFLAGS)
XCFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
	-DCONFIG_DEFAULT_ANCHOR='"$(PREFIX)/share/xdpdns/root.ds"' \
	-Iinclude -Iuserspace -Itests/unit -I$(OUTPUT) \
	$(shell pkg-config --cflags libxml-2.0)
LDLIBS := -lxdp -lbpf -lelf -lz -lssl -lcrypto -lyaml -lmicrohttpd -lxml2 -lpthread
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-Iinclude -I/usr/include/$(MULTIARCH)

# --- BPF ---------------------------------------------------------------
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
BPF_HDRS := $(wildcard bpf/*.h include/xdpdns/*.h)

# --- userspace library (everything but main programs) -----------------
LIB_SRCS := $(wildcard userspace/util/*.c userspace/dns/*.c \
	userspace/dnssec/*.c)
LIB_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(LIB_SRCS))
LIB := $(OUTPUT)/libxdpdns.a
HDRS := $(shell find include userspace tools tests -name '*.h' 2>/dev/null)

DAEMON_SRCS := $(wildcard userspace/*.c)
DAEMON_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(DAEMON_SRCS))
CLI_SRCS := $(wildcard tools/xdpdns/*.c)
CLI_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(CLI_SRCS))

# The programs go to the top of the tree; sanitizer builds keep theirs in
# their own output tree so that they never replace the normal ones.
BINDIR ?= .
PROGS := $(BINDIR)/xdpdnsd $(BINDIR)/xdpdns

# --- tests --------------------------------------------------------------
# Unit tests link the library; BPF tests also load skeletons. Daemon
# modules other than main are linked into tests that need them.
DAEMON_MODS := $(filter-out $(OUTPUT)/userspace/main.o,$(DAEMON_OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%,$(UNIT_SRCS))
BPFT_SRCS := $(wildcard tests/bpf/*.c)
BPFT_BINS := $(patsubst tests/bpf/%.c,$(OUTPUT)/tests/bpf/%,$(BPFT_SRCS))
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(FUZZ_SRCS))
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(patsubst bench/%.c,$(OUTPUT)/bench/%,$(BENCH_SRCS))

.PHONY: all deps test asan asan-daemon demo bench fuzz fuzz-smoke clean lab-start lab-stop \
	tests format install
.DELETE_ON_ERROR:
.SECONDARY:

all: $(SKELS) $(LIB) $(PROGS)

deps:
	$(Q)./scripts/install-deps.sh

$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(OUTPUT)/%.o: %.c $(HDRS) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(XCFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BINDIR)/xdpdnsd: $(DAEMON_OBJS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BINDIR)/xdpdns: $(CLI_OBJS) $(DAEMON_MODS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/tests/unit/%: $(OUTPUT)/tests/unit/%.o $(DAEMON_MODS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/tests/bpf/%: $(OUTPUT)/tests/bpf/%.o $(DAEMON_MODS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/bench/%: $(OUTPUT)/bench/%.o $(DAEMON_MODS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Fuzz targets are built by clang with libFuzzer, ASan and UBSan, from the
# library sources directly so that the whole parser is instrumented.
$(OUTPUT)/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(HDRS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(filter-out -Werror,$(XCFLAGS)) \
		$< $(LIB_SRCS) -lssl -lcrypto -lyaml -o $@

tests: all $(UNIT_BINS) $(BPFT_BINS)

test: deps
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)$(MAKE) --no-print-directory fuzz-bins
	$(Q)$(MAKE) --no-print-directory asan-daemon
	$(Q)./tests/run.sh

# xdpdnsd under ASan and UBSan, for the hostile-input tests
# (tests/integration/daemon_faults_asan.t).
asan-daemon:
	$(Q)$(MAKE) --no-print-directory OUTPUT=.output/asan BINDIR=.output/asan \
		CFLAGS="-g -O1 $(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" .output/asan/xdpdnsd

fuzz-bins: $(FUZZ_BINS)

# Unit tests under AddressSanitizer and UBSan, in a separate output tree.
asan: deps
	$(Q)$(MAKE) --no-print-directory OUTPUT=.output/asan BINDIR=.output/asan \
		CFLAGS="-g -O1 $(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" tests
	$(Q)OUTPUT=.output/asan ./tests/run.sh unit

fuzz: deps fuzz-bins
	$(Q)./tests/fuzz/run.sh $(or $(FUZZ_SECONDS),300)

demo: deps all
	$(Q)./scripts/demo.sh

bench: deps tests $(BENCH_BINS)
	$(Q)./bench/run.sh

lab-start: deps all
	$(Q)./tests/lab/lab.sh start

lab-stop:
	$(Q)./tests/lab/lab.sh stop

# Installs what a host needs to run xdpdns (DESTDIR for packaging).
install: all
	install -D -m 0755 xdpdnsd $(DESTDIR)$(PREFIX)/sbin/xdpdnsd
	install -D -m 0755 xdpdns $(DESTDIR)$(PREFIX)/sbin/xdpdns
	install -D -m 0755 tools/proof-verify/xdpdns-proof-verify \
		$(DESTDIR)$(PREFIX)/bin/xdpdns-proof-verify
	install -D -m 0644 deploy/anchors/root.ds $(DESTDIR)$(PREFIX)/share/xdpdns/root.ds
	install -D -m 0644 deploy/xdpdnsd.yaml $(DESTDIR)/etc/xdpdns/xdpdnsd.yaml
	install -D -m 0644 deploy/systemd/xdpdnsd.service \
		$(DESTDIR)/lib/systemd/system/xdpdnsd.service
	install -D -m 0644 docs/man/xdpdns.8 $(DESTDIR)$(PREFIX)/share/man/man8/xdpdns.8
	install -D -m 0644 docs/man/xdpdnsd.8 $(DESTDIR)$(PREFIX)/share/man/man8/xdpdnsd.8
	install -D -m 0644 tools/xdpdns/bash-completion/xdpdns \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/xdpdns

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	$(call msg,CLEAN,)
	$(Q)rm -rf $(OUTPUT) xdpdnsd xdpdns
