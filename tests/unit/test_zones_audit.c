// SPDX-License-Identifier: GPL-2.0
/* Tests of zones_audit_diff(): which audit lines a zone update writes. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "dns/name.h"
#include "zones.h"
#include "zones_audit.h"
#include "tap.h"

static char path[] = "/tmp/test_zones_audit.XXXXXX";

/* The lines written since the last call, joined (the file is emptied). */
static void lines(struct audit *a, char *out, size_t cap)
{
	FILE *f;
	size_t n;

	audit_flush(a, 2000);
	f = fopen(path, "r");
	n = f ? fread(out, 1, cap - 1, f) : 0;
	out[n] = '\0';
	if (f)
		fclose(f);
	if (truncate(path, 0))
		diag("truncate failed");
}

static int count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

int main(void)
{
	static struct zone_info before, after;
	static char text[65536];
	struct audit *a = NULL;
	int fd = mkstemp(path);

	if (fd < 0)
		skip_all("cannot create a temporary file");
	close(fd);
	if (audit_open(path, 0, 0, &a))
		skip_all("cannot open the audit log");

	dns_name_from_text("example.", after.name);
	after.nkeys = 2;
	after.keys[0] = (struct zone_key){ .tag = 1000, .flags = 257, .algorithm = 13 };
	after.keys[1] = (struct zone_key){ .tag = 2000, .flags = 256, .algorithm = 13 };
	is_int(zones_audit_diff(a, NULL, &after), 0, "new zone, keys only: no event");
	is_int(zones_audit_diff(NULL, NULL, &after), 0, "no log: nothing");

	before = after;
	after.state = ZONE_SECURE;
	is_int(zones_audit_diff(a, &before, &after), 1, "first verdict: one event");
	lines(a, text, sizeof(text));
	ok(strstr(text, "\"zone\":\"example.\",\"kind\":\"zone_state_changed\","
			"\"before\":null,\"after\":\"secure\"") != NULL,
	   "zone_state_changed from null to secure");

	before = after;
	after.keys[0] = after.keys[1];
	after.keys[1] = (struct zone_key){ .tag = 1000, .flags = 257, .algorithm = 13 };
	is_int(zones_audit_diff(a, &before, &after), 0, "same keys in another order: none");
	after.keys[1] = (struct zone_key){ .tag = 1128, .flags = 385, .algorithm = 13 };
	is_int(zones_audit_diff(a, &before, &after), 1, "revoked KSK: one event");
	lines(a, text, sizeof(text));
	ok(strstr(text, "\"kind\":\"dnskey_changed\"") && strstr(text, "\"revoked\":[{") &&
	   strstr(text, "\"removed\":[{\"tag\":1000"),
	   "dnskey_changed lists the removed and the revoked key");

	before = after;
	after.has_ds = before.has_ds = true;
	before.nds = after.nds = 1;
	before.ds[0] = after.ds[0] = (struct zone_ds){ .tag = 1000, .algorithm = 13,
						       .digest_type = 2, .digest_len = 32 };
	after.ds[0].digest[0] = 1;
	after.state = ZONE_BOGUS;
	is_int(zones_audit_diff(a, &before, &after), 2, "DS digest and state change");
	lines(a, text, sizeof(text));
	ok(count(text, "\"kind\":\"ds_changed\"") == 1 &&
	   strstr(text, "\"before\":\"secure\",\"after\":\"bogus\""),
	   "ds_changed and zone_state_changed secure -> bogus");

	before = after;
	after.has_cds = true;
	after.ncds = 1;
	after.cds[0] = (struct zone_ds){ .tag = 3000, .algorithm = 13, .digest_type = 2,
					 .digest_len = 32 };
	after.cds_match = ZONE_CDS_DIFFER;
	is_int(zones_audit_diff(a, &before, &after), 2, "CDS appears, differing");
	lines(a, text, sizeof(text));
	ok(count(text, "cds_appeared") == 1 && count(text, "cds_mismatch") == 1,
	   "cds_appeared and cds_mismatch");
	before = after;
	is_int(zones_audit_diff(a, &before, &after), 0, "nothing new: no event");
	after.cds[0].tag = 3001;
	is_int(zones_audit_diff(a, &before, &after), 2, "CDS changed, still differing");
	lines(a, text, sizeof(text));
	ok(count(text, "cds_changed") == 1 && count(text, "cds_mismatch") == 1,
	   "cds_changed and cds_mismatch again");

	audit_close(a);
	unlink(path);
	return done_testing();
}
