/* SPDX-License-Identifier: MIT */
/*
 * A watcher's table of watch ids.  An id is slot + serial: the slot finds
 * the watch in O(1), the serial (never reused, process-wide) makes an id
 * that outlived its watch -- or came from another watcher -- find nothing,
 * so a stale id is an error, never someone else's watch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SLOT_BITS 20
#define SLOT_MASK ((1u << SLOT_BITS) - 1)

static uint64_t next_serial = 1;

int pw_slots_add_locked(pinwatch_watcher *w, struct pw_watch *wa)
{
	unsigned slot;

	for (slot = 0; slot < w->num_slots; slot++)
		if (!w->slots[slot])
			break;
	if (slot == w->num_slots) {
		unsigned n = w->num_slots ? w->num_slots * 2 : 16;
		if (n > SLOT_MASK + 1u) {
			pw_detail("the watcher has %u watches, the most it can hold", w->num_slots);
			return -ENOSPC;
		}
		struct pw_watch **grown = realloc(w->slots, n * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		memset(grown + w->num_slots, 0, (n - w->num_slots) * sizeof(*grown));
		w->slots = grown;
		w->num_slots = n;
	}
	w->slots[slot] = wa;
	/* The top bit of an epoll token marks a watch's timer: serials stay
	 * far below 2^43 (one per watch ever added). */
	wa->id = (next_serial++ << SLOT_BITS) | slot;
	return 0;
}

void pw_slots_remove_locked(pinwatch_watcher *w, struct pw_watch *wa)
{
	unsigned slot = (unsigned)(wa->id & SLOT_MASK);

	if (slot < w->num_slots && w->slots[slot] == wa)
		w->slots[slot] = NULL;
}

struct pw_watch *pw_slots_find_locked(const pinwatch_watcher *w, pinwatch_watch_id id)
{
	unsigned slot = (unsigned)(id & SLOT_MASK);

	if (slot >= w->num_slots || !w->slots[slot] || w->slots[slot]->id != id)
		return NULL;
	return w->slots[slot];
}
