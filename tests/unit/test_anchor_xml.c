// SPDX-License-Identifier: GPL-2.0
/* RFC 7958 root-anchors.xml parsing: validity windows, errors, no XXE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anchor_xml.h"
#include "config.h"
#include "dns/name.h"
#include "tap.h"
#include "util/error.h"

/* IANA's KSK-2017 digest (RFC 7958 style file, also in deploy/anchors). */
#define D20326 "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"
#define D38696 "683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16"
#define NOW 1780000000	/* 2026-05-28 */

static char dir[] = "/tmp/test_anchor_xml.XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	return path;
}

#define KD(from, until, tag, digest) \
	"<KeyDigest id=\"k" tag "\" validFrom=\"" from "\"" until ">\n" \
	"<KeyTag>" tag "</KeyTag>\n<Algorithm>8</Algorithm>\n" \
	"<DigestType>2</DigestType>\n<Digest>" digest "</Digest>\n</KeyDigest>\n"

/* Load @text; return the result and leave the set's size in *count. */
static int load(const char *name, const char *text, size_t *count, char *err,
		size_t errlen)
{
	struct val_anchors *set = val_anchors_new();
	const char *path = write_file(name, text);
	int ret;

	err[0] = '\0';
	ret = path && set ? anchor_xml_load(path, set, NOW, err, errlen) : -1;
	*count = set ? set->count : 0;
	val_anchors_free(set);
	return ret;
}

int main(void)
{
	char err[512], cmd[300];
	size_t n;
	int ret;

	if (!mkdtemp(dir))
		skip_all("mkdtemp failed");

	/* One digest expired by validUntil, one valid: one anchor, the valid one. */
	{
		struct val_anchors *set = val_anchors_new();
		const char *path = write_file("good.xml",
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<TrustAnchor id=\"t\" source=\"http://data.iana.org/root-anchors/root-anchors.xml\">\n"
			"<Zone>.</Zone>\n"
			KD("2010-07-15T00:00:00+00:00", " validUntil=\"2019-01-11T00:00:00+00:00\"",
			   "19036", "49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5")
			KD("2017-02-02T00:00:00+00:00", "", "20326", D20326)
			"</TrustAnchor>\n");
		const uint8_t *rd[4];
		uint16_t len[4];
		uint8_t root[DNS_NAME_MAXLEN];

		err[0] = '\0';

		ret = anchor_xml_load(path, set, NOW, err, sizeof(err));
		is_int(ret, 1, "two digests, one expired by validUntil: one anchor (%s)", err);
		dns_name_from_text(".", root);
		n = val_anchors_records(set, root, VAL_ANCHOR_DS, rd, len, 4);
		ok(n == 1 && len[0] == 36 && rd[0][0] == 0x4f && rd[0][1] == 0x66 &&
		   rd[0][2] == 8 && rd[0][3] == 2 && rd[0][4] == 0xe0 && rd[0][35] == 0x8d,
		   "the anchor is DS 20326 8 2 E06D...8D");
		val_anchors_free(set);
	}

	/* Fraction of a second, Z, a negative offset; validUntil == now is out. */
	ret = load("times.xml",
		   "<TrustAnchor><Zone>.</Zone>\n"
		   KD("2017-02-02T00:00:00.5Z", "", "20326", D20326)
		   KD("2026-05-28T22:00:00-03:00", "", "38696", D38696)
		   "</TrustAnchor>\n", &n, err, sizeof(err));
	is_int(ret, 1, "other dateTime forms; validFrom 2026-05-29T01:00Z is in the future (%s)", err);

	ret = load("future.xml",
		   "<TrustAnchor><Zone>.</Zone>\n"
		   KD("2030-01-01T00:00:00+00:00", "", "38696", D38696)
		   "</TrustAnchor>\n", &n, err, sizeof(err));
	ok(ret == XDPDNS_ECONFIG && n == 0, "validFrom in the future: not used");
	ok(strstr(err, "future.xml") && strstr(err, "no <KeyDigest> valid"),
	   "and the error says so: %s", err);

	ret = load("until-now.xml",
		   "<TrustAnchor><Zone>.</Zone>\n"
		   KD("2017-02-02T00:00:00+00:00", " validUntil=\"2026-05-28T20:26:40Z\"",
		      "20326", D20326)
		   "</TrustAnchor>\n", &n, err, sizeof(err));
	ok(ret == XDPDNS_ECONFIG && n == 0, "validUntil == now: no longer valid (%s)", err);

	ret = load("broken.xml",
		   "<TrustAnchor><Zone>.</Zone>\n<KeyDigest validFrom=\"2017-02-02T00:00:00Z\">\n"
		   "<KeyTag>20326</Tag>\n</KeyDigest>\n</TrustAnchor>\n", &n, err, sizeof(err));
	ok(ret == XDPDNS_ECONFIG && strstr(err, "broken.xml:") &&
	   strstr(err, "malformed XML"), "malformed XML: %s", err);
	ok(strstr(err, "broken.xml:3:") != NULL, "with libxml2's line number (3)");

	ret = load("nodigest.xml",
		   "<TrustAnchor><Zone>.</Zone>\n"
		   "<KeyDigest validFrom=\"2017-02-02T00:00:00Z\">\n"
		   "<KeyTag>20326</KeyTag><Algorithm>8</Algorithm>\n"
		   "<DigestType>2</DigestType>\n</KeyDigest>\n</TrustAnchor>\n",
		   &n, err, sizeof(err));
	ok(ret == XDPDNS_ECONFIG && strstr(err, "nodigest.xml:2:") &&
	   strstr(err, "<Digest> missing"), "missing Digest: %s", err);

	ret = load("badhex.xml",
		   "<TrustAnchor><Zone>.</Zone>\n"
		   KD("2017-02-02T00:00:00Z", "", "20326", "E06DXX") "</TrustAnchor>\n",
		   &n, err, sizeof(err));
	ok(ret == XDPDNS_ECONFIG && strstr(err, "not hexadecimal"), "bad digest: %s", err);

	ret = load("badtag.xml",
		   "<TrustAnchor><Zone>.</Zone>\n"
		   KD("2017-02-02T00:00:00Z", "", "70000", D20326) "</TrustAnchor>\n",
		   &n, err, sizeof(err));
	ok(ret == XDPDNS_ECONFIG && strstr(err, "<KeyTag>"), "key tag out of range: %s", err);

	ret = load("baddate.xml",
		   "<TrustAnchor><Zone>.</Zone>\n"
		   KD("02/02/2017", "", "20326", D20326) "</TrustAnchor>\n",
		   &n, err, sizeof(err));
	ok(ret == XDPDNS_ECONFIG && strstr(err, "validFrom"), "bad validFrom: %s", err);

	ret = load("badzone.xml",
		   "<TrustAnchor>\n<Zone>exa mple..com</Zone>\n"
		   KD("2017-02-02T00:00:00Z", "", "20326", D20326) "</TrustAnchor>\n",
		   &n, err, sizeof(err));
	ok(ret == XDPDNS_ECONFIG && n == 0 && strstr(err, "badzone.xml:2:") &&
	   strstr(err, "<Zone> is not a domain name"), "wrong zone syntax: %s", err);

	ret = load("nozone.xml",
		   "<TrustAnchor>\n" KD("2017-02-02T00:00:00Z", "", "20326", D20326)
		   "</TrustAnchor>\n", &n, err, sizeof(err));
	ok(ret == XDPDNS_ECONFIG && strstr(err, "<Zone> missing"), "missing Zone: %s", err);

	ret = load("otherroot.xml", "<Anchors><Zone>.</Zone></Anchors>\n", &n, err, sizeof(err));
	ok(ret == XDPDNS_ECONFIG && strstr(err, "not <TrustAnchor>"), "wrong root element: %s", err);

	/* External entity: never read, the file is refused. */
	ret = load("xxe.xml",
		   "<?xml version=\"1.0\"?>\n"
		   "<!DOCTYPE TrustAnchor [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
		   "<TrustAnchor><Zone>&xxe;</Zone>\n"
		   KD("2017-02-02T00:00:00Z", "", "20326", D20326) "</TrustAnchor>\n",
		   &n, err, sizeof(err));
	ok(ret == XDPDNS_ECONFIG && n == 0 && !strstr(err, "root:"),
	   "external entity in the internal subset: refused, not expanded (%s)", err);
	ret = load("xxe2.xml",
		   "<?xml version=\"1.0\"?>\n"
		   "<!DOCTYPE TrustAnchor SYSTEM \"file:///etc/passwd\">\n"
		   "<TrustAnchor><Zone>.</Zone>\n"
		   KD("2017-02-02T00:00:00Z", "", "20326", D20326) "</TrustAnchor>\n",
		   &n, err, sizeof(err));
	ok(ret == XDPDNS_ECONFIG && n == 0 && !strstr(err, "root:"),
	   "external DTD: refused, not loaded (%s)", err);

	{
		struct val_anchors *set = val_anchors_new();

		ret = anchor_xml_load(write_file("empty.xml", ""), set, NOW, err, sizeof(err));
		ok(ret < 0 && strstr(err, "empty.xml"), "empty file: error naming it (%s)", err);
		val_anchors_free(set);
	}

	/* config_load_anchors() picks XML by the leading '<', zone-file otherwise. */
	{
		struct config cfg;
		struct val_anchors *set = NULL;

		config_defaults(&cfg);
		snprintf(cfg.trust_anchor[0], sizeof(cfg.trust_anchor[0]), "%s",
			 write_file("cfg.xml", "\n  <TrustAnchor><Zone>.</Zone>\n"
				    KD("2017-02-02T00:00:00Z", "", "20326", D20326)
				    "</TrustAnchor>\n"));
		snprintf(cfg.trust_anchor[1], sizeof(cfg.trust_anchor[1]), "%s",
			 write_file("cfg.ds", "; comment\n. IN DS 38696 8 2 " D38696 "\n"));
		cfg.trust_anchor_count = 2;
		ret = config_load_anchors(&cfg, &set, err, sizeof(err));
		ok(ret == 0 && set && set->count == 2,
		   "config_load_anchors: one XML and one DS file, two anchors (%s)",
		   ret ? err : "ok");
		val_anchors_free(set);
		snprintf(cfg.trust_anchor[1], sizeof(cfg.trust_anchor[1]), "%s",
			 write_file("cfg-bad.xml", "<TrustAnchor><Zone>.</Zone></TrustAnchor>\n"));
		set = NULL;
		ret = config_load_anchors(&cfg, &set, err, sizeof(err));
		ok(ret == XDPDNS_ECONFIG && !set && strstr(err, "cfg-bad.xml"),
		   "config_load_anchors: bad XML file fails naming it (%s)", err);
	}

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
