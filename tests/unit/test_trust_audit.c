// SPDX-License-Identifier: GPL-2.0
/* Tests of trust_audit_nta() and trust_audit_anchor(): the JSON lines,
 * with the anchors' key tags, digests and flags before and after. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "dns/name.h"
#include "dnssec/anchor.h"
#include "dnssec/keytag.h"
#include "trust_audit.h"
#include "tap.h"

int main(void)
{
	static char path[] = "/tmp/test_trust_audit.XXXXXX";
	static char text[16384];
	static const char ds1[] = "broken.example. DS 4242 13 2 "
		"00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF";
	static const char ds2[] = "broken.example. DS 4343 13 2 "
		"FFEEDDCCBBAA99887766554433221100FFEEDDCCBBAA99887766554433221100";
	static const char key[] = "broken.example. DNSKEY 257 3 13 "
		"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8w"
		"MTIzNDU2Nzg5Ojs8PT4/QA==";
	struct val_anchors *before = val_anchors_new(), *after = val_anchors_new();
	const uint8_t *krd[1];
	uint16_t klen[1], tag = 0;
	char want[256];
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
	is_int(trust_audit_anchor(a, name, NULL, NULL, "DS added at run time"), 0,
	       "anchor added");
	ok(before && after && !val_anchors_add_text(before, ds1) &&
	   !val_anchors_add_text(after, ds2) && !val_anchors_add_text(after, key),
	   "anchor sets built");
	dns_name_to_lower(name);
	if (val_anchors_records(after, name, VAL_ANCHOR_DNSKEY, krd, klen, 1) != 1 ||
	    dnssec_keytag(krd[0], klen[0], &tag))
		tag = 0;
	is_int(tag, 2098, "DNSKEY anchor tag (dnspython's key_id: 2098)");
	is_int(trust_audit_anchor(a, name, before, after, "changed on reload"), 0,
	       "anchor changed: DS rolled, DNSKEY added");
	is_int(trust_audit_anchor(a, name, after, NULL, "removed at run time"), 0,
	       "anchor removed");
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
	ok(strstr(text, "\"kind\":\"anchor_changed\",\"before\":[],\"after\":[],"
			"\"added\":[],\"removed\":[],\"revoked\":[],"
			"\"detail\":\"DS added at run time\""),
	   "anchor_changed with its detail, no sets given: empty lists");
	ok(strstr(text, "\"kind\":\"anchor_changed\",\"before\":[{\"tag\":4242,"
			"\"algorithm\":13,\"digest_type\":2,\"digest\":\"0011223344556677"
			"8899aabbccddeeff00112233445566778899aabbccddeeff\"}],"
			"\"after\":[{\"tag\":4343,\"algorithm\":13,\"digest_type\":2,"
			"\"digest\":\"ffeeddccbbaa99887766554433221100ffeeddccbbaa9988"
			"7766554433221100\"},"),
	   "anchor_changed: before and after DS anchors by tag and digest");
	snprintf(want, sizeof(want), "{\"tag\":%u,\"algorithm\":13,\"flags\":257,"
		 "\"revoked\":false}],\"added\":[{\"tag\":4343,", tag);
	ok(strstr(text, want), "anchor_changed: the DNSKEY anchor by tag and flags");
	ok(strstr(text, "\"removed\":[{\"tag\":4242,\"algorithm\":13,\"digest_type\":2,"),
	   "anchor_changed: the old DS listed as removed");
	ok(strstr(text, "\"after\":[],\"added\":[],\"removed\":[{\"tag\":4343,") &&
	   strstr(text, "\"detail\":\"removed at run time\""),
	   "anchor removed: after empty, every key removed");
	if (!ok(strlen(text) && text[strlen(text) - 1] == '\n', "lines end with a newline"))
		diag("%s", text);
	audit_close(a);
	val_anchors_free(before);
	val_anchors_free(after);
	unlink(path);
	return done_testing();
}
