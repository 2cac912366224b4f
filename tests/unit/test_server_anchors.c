// SPDX-License-Identifier: GPL-2.0
/* Anchor sets replaced by a reload or a runtime change: a set held by a
 * worker's chain or a caller outlives its replacement and is freed by
 * the last release (leaks and uses after free show under `make asan`). */
#include <pthread.h>
#include <string.h>

#include "dnssec/anchor.h"
#include "server.h"
#include "tap.h"

static struct val_anchors *set_of(const char *line)
{
	struct val_anchors *a = val_anchors_new();

	if (a && val_anchors_add_text(a, line)) {
		val_anchors_free(a);
		return NULL;
	}
	return a;
}

int main(void)
{
	static const char one[] = ". 3600 IN DS 20326 8 2 "
		"E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";
	static const char two[] = "mesh.internal. 3600 IN DS 1 13 2 "
		"0000000000000000000000000000000000000000000000000000000000000000";
	struct server srv;
	struct anchors_ref *h1, *h2, *h3;
	struct val_anchors *a1 = set_of(one), *a2 = set_of(two);
	unsigned int gen = 0;

	memset(&srv, 0, sizeof(srv));
	pthread_rwlock_init(&srv.cfg_lock, NULL);
	ok(a1 && a2, "two anchor sets");
	ok(!server_anchors_hold(&srv, &gen) && gen == 0, "nothing in force: no hold");
	is_int(server_install_anchors(&srv, a1), 0, "first set installed");
	h1 = server_anchors_hold(&srv, &gen);
	ok(h1 && server_anchors_set(h1) == a1 && gen == 1, "held: the first set, generation 1");
	h2 = server_anchors_hold(&srv, NULL);
	ok(h2 == h1, "a second hold of the same set");
	is_int(server_install_anchors(&srv, a2), 0, "replaced by the second");
	ok(srv.anchors == a2 && srv.anchors_gen == 2, "the second in force, generation 2");
	/* Still held twice: readable after its replacement. */
	ok(server_anchors_set(h1)->count == 1, "the replaced set is still readable");
	server_anchors_release(h1);
	ok(server_anchors_set(h2)->count == 1, "and after one of two releases");
	server_anchors_release(h2);	/* freed here */
	h3 = server_anchors_hold(&srv, &gen);
	ok(server_anchors_set(h3) == a2 && gen == 2, "a new hold gets the second set");
	is_int(server_install_anchors(&srv, NULL), 0, "validation off");
	ok(!server_anchors_hold(&srv, NULL) && srv.anchors_gen == 3, "nothing to hold now");
	ok(server_anchors_set(h3)->count == 1, "the held second set outlives it");
	server_anchors_release(h3);	/* freed here */
	server_anchors_release(NULL);
	ok(server_anchors_set(NULL) == NULL, "a NULL hold reads as no set");
	pthread_rwlock_destroy(&srv.cfg_lock);
	return done_testing();
}
