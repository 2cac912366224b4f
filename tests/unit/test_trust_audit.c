// SPDX-License-Identifier: GPL-2.0
/* Tests of trust_audit_nta() and trust_audit_anchor(): the JSON lines. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "dns/name.h"
#include "trust_audit.h"
#include "tap.h"

int main(void)
{
	static char path[] = "/tmp/test_trust_audit.XXXXXX";
	static char text[8192];
	uint8_t name[DNS_NAME_MAXLEN];
	struct audit *a = NULL;
	FILE *f;
	size_t n;
	int fd = mkstemp(path);

	if (fd < 0)
		skip_all("cannot create a temporary file");
	close(fd);
	if (audit_open(path, 0, 0, &a))
		skip_all("cannot open the audit log");
	dns_name_from_text("Broken.Example.", name);
	is_int(trust_audit_nta(NULL, name, 0, 1, "added"), 0, "no log: nothing");
	is_int(trust_audit_nta(a, name, 0, 1798761600, "added"), 0, "NTA added");
	is_int(trust_audit_nta(a, name, 1798761600, 0, "removed"), 0, "NTA removed");
	is_int(trust_audit_anchor(a, name, "DS added at run time"), 0, "anchor added");
	audit_flush(a, 2000);
	f = fopen(path, "r");
	n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	text[n] = '\0';
	if (f)
		fclose(f);
	ok(strstr(text, "\"zone\":\"Broken.Example.\",\"kind\":\"nta_changed\",\"before\":null,"
			"\"after\":{\"until\":\"2027-01-01T00:00:00.000Z\"},\"detail\":\"added\"") != NULL,
	   "nta_changed: none -> until, detail");
	ok(strstr(text, "\"before\":{\"until\":\"2027-01-01T00:00:00.000Z\"},\"after\":null,"
			"\"detail\":\"removed\"") != NULL, "nta_changed: until -> none");
	ok(strstr(text, "\"kind\":\"anchor_changed\"") &&
	   strstr(text, "\"detail\":\"DS added at run time\""), "anchor_changed with its detail");
	if (!ok(strlen(text) && text[strlen(text) - 1] == '\n', "lines end with a newline"))
		diag("%s", text);
	audit_close(a);
	unlink(path);
	return done_testing();
}
