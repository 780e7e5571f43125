/* SPDX-License-Identifier: MIT */
/*
 * The chardev backend's libgpiod 2.x part (uAPI v2, kernels 5.10 and later).
 *
 * One line request per pin, kept for the pin's life: reconfigure and edge
 * detection change it in place (gpiod_line_request_reconfigure_lines), so
 * the line is never released and nobody can take it in between.  The one
 * exception is the event buffer size, a property of the request itself: a
 * watch that asks for a size other than the request's makes a new request.
 * Edge events carry the kernel's line sequence numbers; debounce is the
 * kernel's (hardware where the chip has it, else the kernel's own).
 */
#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "chardev.h"

struct pw_cd_chip {
	struct gpiod_chip *chip;  /* libgpiod 2.x chips are safe to share */
};

struct pw_cd_req {
	struct pw_cd_chip *chip;  /* the board's; it outlives its lines */
	unsigned offset;
	char consumer[32];
	struct gpiod_line_request *req;
	struct gpiod_line_settings *settings;  /* the line's current settings */
	struct gpiod_edge_event_buffer *buf;
	size_t buffer_size;       /* the request's event buffer, 0: default */
	int lost;                 /* -errno: a re-request failed */
};

unsigned pw_cd_caps(void)
{
	return PW_CAP_BIAS | PW_CAP_DRIVE | PW_CAP_KERNEL_SEQNO |
	       PW_CAP_KERNEL_DEBOUNCE | PW_CAP_EVENT_BUFFER | PW_CAP_GROUP_EDGES;
}

static int errno_or(int fallback)
{
	return errno ? -errno : fallback;
}

int pw_cd_chip_open(const char *path, struct pw_cd_chip **out,
		    struct pw_cd_chip_desc *desc)
{
	struct pw_cd_chip *c = calloc(1, sizeof(*c));
	struct gpiod_chip_info *info;
	int err;

	if (!c)
		return -ENOMEM;
	errno = 0;
	c->chip = gpiod_chip_open(path);
	if (!c->chip) {
		err = errno_or(-ENODEV);
		free(c);
		return err;
	}
	info = gpiod_chip_get_info(c->chip);
	if (!info) {
		err = errno_or(-EIO);
		gpiod_chip_close(c->chip);
		free(c);
		return err;
	}
	memset(desc, 0, sizeof(*desc));
	strncpy(desc->name, gpiod_chip_info_get_name(info), sizeof(desc->name) - 1);
	strncpy(desc->label, gpiod_chip_info_get_label(info), sizeof(desc->label) - 1);
	desc->num_lines = (unsigned)gpiod_chip_info_get_num_lines(info);
	gpiod_chip_info_free(info);
	*out = c;
	return 0;
}

void pw_cd_chip_close(struct pw_cd_chip *c)
{
	if (!c)
		return;
	gpiod_chip_close(c->chip);
	free(c);
}

static int bias_from_gpiod(enum gpiod_line_bias bias)
{
	switch (bias) {
	case GPIOD_LINE_BIAS_DISABLED:
		return PINWATCH_BIAS_DISABLED;
	case GPIOD_LINE_BIAS_PULL_UP:
		return PINWATCH_BIAS_PULL_UP;
	case GPIOD_LINE_BIAS_PULL_DOWN:
		return PINWATCH_BIAS_PULL_DOWN;
	default:
		/* UNKNOWN here means no bias flag: nobody set one. */
		return PINWATCH_BIAS_AS_IS;
	}
}

/* Shared by line info and info events (chardev_info_v2.c). */
void pw_cd_info_from_gpiod(struct gpiod_line_info *li, struct pinwatch_line_info *out)
{
	const char *s;

	if ((s = gpiod_line_info_get_name(li)))
		strncpy(out->name, s, sizeof(out->name) - 1);
	out->used = gpiod_line_info_is_used(li);
	if ((s = gpiod_line_info_get_consumer(li)))
		strncpy(out->consumer, s, sizeof(out->consumer) - 1);
	out->direction = gpiod_line_info_get_direction(li) == GPIOD_LINE_DIRECTION_OUTPUT
			 ? PINWATCH_DIR_OUTPUT : PINWATCH_DIR_INPUT;
	out->active_low = gpiod_line_info_is_active_low(li);
	out->bias = bias_from_gpiod(gpiod_line_info_get_bias(li));
	switch (gpiod_line_info_get_edge_detection(li)) {
	case GPIOD_LINE_EDGE_RISING: out->edges = PINWATCH_EDGE_RISING; break;
	case GPIOD_LINE_EDGE_FALLING: out->edges = PINWATCH_EDGE_FALLING; break;
	case GPIOD_LINE_EDGE_BOTH: out->edges = PINWATCH_EDGE_BOTH; break;
	default: out->edges = 0; break;
	}
	out->debounce_ns = (uint64_t)gpiod_line_info_get_debounce_period_us(li) * 1000u;
	switch (gpiod_line_info_get_drive(li)) {
	case GPIOD_LINE_DRIVE_OPEN_DRAIN:
		out->drive = PINWATCH_DRIVE_OPEN_DRAIN;
		break;
	case GPIOD_LINE_DRIVE_OPEN_SOURCE:
		out->drive = PINWATCH_DRIVE_OPEN_SOURCE;
		break;
	default:
		out->drive = PINWATCH_DRIVE_PUSH_PULL;
		break;
	}
}

int pw_cd_line_info(struct pw_cd_chip *c, unsigned offset,
		    struct pinwatch_line_info *out)
{
	struct gpiod_line_info *li;

	errno = 0;
	li = gpiod_chip_get_line_info(c->chip, offset);
	if (!li)
		return errno_or(-EIO);
	pw_cd_info_from_gpiod(li, out);
	gpiod_line_info_free(li);
	return 0;
}

/* Direction, value, active-low, bias and drive of cfg into s (edge detection
 * and debounce untouched). */
static int settings_apply(struct gpiod_line_settings *s,
			  const struct pw_line_config *cfg)
{
	static const enum gpiod_line_bias biases[] = {
		[PINWATCH_BIAS_AS_IS] = GPIOD_LINE_BIAS_AS_IS,
		[PINWATCH_BIAS_DISABLED] = GPIOD_LINE_BIAS_DISABLED,
		[PINWATCH_BIAS_PULL_UP] = GPIOD_LINE_BIAS_PULL_UP,
		[PINWATCH_BIAS_PULL_DOWN] = GPIOD_LINE_BIAS_PULL_DOWN,
	};
	static const enum gpiod_line_drive drives[] = {
		[PINWATCH_DRIVE_PUSH_PULL] = GPIOD_LINE_DRIVE_PUSH_PULL,
		[PINWATCH_DRIVE_OPEN_DRAIN] = GPIOD_LINE_DRIVE_OPEN_DRAIN,
		[PINWATCH_DRIVE_OPEN_SOURCE] = GPIOD_LINE_DRIVE_OPEN_SOURCE,
	};
	int output = cfg->direction == PINWATCH_DIR_OUTPUT;

	if (cfg->bias < 0 || (size_t)cfg->bias >= PW_ARRAY_SIZE(biases) ||
	    cfg->drive < 0 || (size_t)cfg->drive >= PW_ARRAY_SIZE(drives))
		return -EINVAL;
	gpiod_line_settings_set_direction(s, output ? GPIOD_LINE_DIRECTION_OUTPUT
						    : GPIOD_LINE_DIRECTION_INPUT);
	gpiod_line_settings_set_output_value(s, output && cfg->value
					     ? GPIOD_LINE_VALUE_ACTIVE
					     : GPIOD_LINE_VALUE_INACTIVE);
	gpiod_line_settings_set_active_low(s, cfg->active_low != 0);
	gpiod_line_settings_set_bias(s, biases[cfg->bias]);
	/* The kernel refuses a drive mode on an input. */
	gpiod_line_settings_set_drive(s, output ? drives[cfg->drive]
					       : GPIOD_LINE_DRIVE_PUSH_PULL);
	return 0;
}

static struct gpiod_line_config *line_config_of(struct pw_cd_req *r)
{
	struct gpiod_line_config *lc = gpiod_line_config_new();

	if (lc && gpiod_line_config_add_line_settings(lc, &r->offset, 1,
						       r->settings) < 0) {
		gpiod_line_config_free(lc);
		return NULL;
	}
	return lc;
}

/* A new kernel request of CHIP's lines in LC (freed here), for CONSUMER,
 * with an event buffer of BUFFER_SIZE (0: the kernel's default). */
static int request_lines(struct pw_cd_chip *chip, const char *consumer,
			 struct gpiod_line_config *lc, size_t buffer_size,
			 struct gpiod_line_request **out)
{
	struct gpiod_request_config *rc = gpiod_request_config_new();
	int err = 0;

	errno = 0;
	*out = NULL;
	if (!rc || !lc) {
		err = -ENOMEM;
		goto out;
	}
	gpiod_request_config_set_consumer(rc, consumer);
	gpiod_request_config_set_event_buffer_size(rc, buffer_size);
	*out = gpiod_chip_request_lines(chip->chip, rc, lc);
	if (!*out) {
		err = errno_or(-EIO);
		goto out;
	}
	/* The request's descriptor blocks in read(); the core drains it and
	 * must never wait there. */
	int fd = gpiod_line_request_get_fd(*out);
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		err = -errno;
		gpiod_line_request_release(*out);
		*out = NULL;
	}
out:
	gpiod_line_config_free(lc);
	gpiod_request_config_free(rc);
	return err;
}

/* A new kernel request for r's settings and buffer size. */
static int do_request(struct pw_cd_req *r, size_t buffer_size,
		      struct gpiod_line_request **out)
{
	return request_lines(r->chip, r->consumer, line_config_of(r), buffer_size, out);
}

/* Apply LC (NULL: it could not be built) to REQ's lines in place, and
 * free it: a line's or a group's reconfigure. */
static int apply_line_config(struct gpiod_line_request *req, struct gpiod_line_config *lc)
{
	int rc = 0;

	if (!lc)
		return -ENOMEM;
	errno = 0;
	if (gpiod_line_request_reconfigure_lines(req, lc) < 0)
		rc = errno_or(-EIO);
	gpiod_line_config_free(lc);
	return rc;
}

static int reconfigure_in_place(struct pw_cd_req *r)
{
	return apply_line_config(r->req, line_config_of(r));
}

int pw_cd_request(struct pw_cd_chip *c, unsigned offset,
		  const struct pw_line_config *cfg, struct pw_cd_req **out)
{
	struct pw_cd_req *r = calloc(1, sizeof(*r));
	int rc = -ENOMEM;

	if (!r)
		return -ENOMEM;
	r->chip = c;
	r->offset = offset;
	strncpy(r->consumer, cfg->consumer, sizeof(r->consumer) - 1);
	r->settings = gpiod_line_settings_new();
	r->buf = gpiod_edge_event_buffer_new(PW_CD_READ_MAX);
	if (!r->settings || !r->buf)
		goto fail;
	rc = settings_apply(r->settings, cfg);
	if (rc < 0)
		goto fail;
	rc = do_request(r, 0, &r->req);
	if (rc < 0)
		goto fail;
	*out = r;
	return 0;
fail:
	gpiod_edge_event_buffer_free(r->buf);
	gpiod_line_settings_free(r->settings);
	free(r);
	return rc;
}

void pw_cd_release(struct pw_cd_req *r)
{
	if (!r)
		return;
	if (r->req)
		gpiod_line_request_release(r->req);
	gpiod_edge_event_buffer_free(r->buf);
	gpiod_line_settings_free(r->settings);
	free(r);
}

int pw_cd_get(struct pw_cd_req *r)
{
	if (r->lost)
		return r->lost;
	errno = 0;
	enum gpiod_line_value v = gpiod_line_request_get_value(r->req, r->offset);
	if (v == GPIOD_LINE_VALUE_ERROR)
		return errno_or(-EIO);
	return v == GPIOD_LINE_VALUE_ACTIVE;
}

int pw_cd_set(struct pw_cd_req *r, int value)
{
	if (r->lost)
		return r->lost;
	errno = 0;
	if (gpiod_line_request_set_value(r->req, r->offset,
					 value ? GPIOD_LINE_VALUE_ACTIVE
					       : GPIOD_LINE_VALUE_INACTIVE) < 0)
		return errno_or(-EIO);
	/* What a later reconfigure back to output would drive. */
	gpiod_line_settings_set_output_value(r->settings, value ? GPIOD_LINE_VALUE_ACTIVE
							       : GPIOD_LINE_VALUE_INACTIVE);
	return 0;
}

int pw_cd_reconfigure(struct pw_cd_req *r, const struct pw_line_config *cfg)
{
	struct gpiod_line_settings *old;
	int rc;

	if (r->lost)
		return r->lost;
	old = gpiod_line_settings_copy(r->settings);
	if (!old)
		return -ENOMEM;
	rc = settings_apply(r->settings, cfg);
	if (rc == 0)
		rc = reconfigure_in_place(r);
	if (rc < 0) {
		gpiod_line_settings_free(r->settings);
		r->settings = old;
	} else {
		gpiod_line_settings_free(old);
	}
	return rc;
}

static enum gpiod_line_edge edge_of(int edges)
{
	switch (edges) {
	case PINWATCH_EDGE_RISING:
		return GPIOD_LINE_EDGE_RISING;
	case PINWATCH_EDGE_FALLING:
		return GPIOD_LINE_EDGE_FALLING;
	default:
		return GPIOD_LINE_EDGE_BOTH;
	}
}

/* The kernel's debounce is in whole microseconds: round up, so a short
 * debounce asked for is never turned off. */
static unsigned long debounce_us(uint64_t ns)
{
	uint64_t us = (ns + 999) / 1000;

	return us > UINT32_MAX ? UINT32_MAX : (unsigned long)us;
}

static enum gpiod_line_clock clock_of(int clock)
{
	switch (clock) {
	case PINWATCH_CLOCK_REALTIME: return GPIOD_LINE_CLOCK_REALTIME;
	case PINWATCH_CLOCK_HTE: return GPIOD_LINE_CLOCK_HTE;
	default: return GPIOD_LINE_CLOCK_MONOTONIC;
	}
}

unsigned pw_cd_event_clocks(int board_clock)
{
	return 1u << board_clock | 1u << PINWATCH_CLOCK_MONOTONIC |
	       1u << PINWATCH_CLOCK_REALTIME | 1u << PINWATCH_CLOCK_HTE;
}

int pw_cd_edges_enable(struct pw_cd_req *r, const struct pw_edge_config *ec)
{
	struct gpiod_line_request *fresh = NULL;
	int rc;

	if (r->lost)
		return r->lost;
	if (gpiod_line_settings_get_direction(r->settings) == GPIOD_LINE_DIRECTION_OUTPUT)
		return -EPERM;
	if (ec->edges < PINWATCH_EDGE_RISING || ec->edges > PINWATCH_EDGE_BOTH)
		return -EINVAL;
	gpiod_line_settings_set_edge_detection(r->settings, edge_of(ec->edges));
	gpiod_line_settings_set_debounce_period_us(r->settings, debounce_us(ec->debounce_ns));
	gpiod_line_settings_set_event_clock(r->settings, clock_of(ec->clock));

	if (!ec->event_buffer || ec->event_buffer == r->buffer_size) {
		rc = reconfigure_in_place(r);
		if (rc < 0)
			goto undo;
		return 0;
	}

	/* A new buffer size needs a new request.  Release first: the kernel
	 * does not let one process request a line twice. */
	gpiod_line_request_release(r->req);
	r->req = NULL;
	rc = do_request(r, ec->event_buffer, &fresh);
	if (rc == 0) {
		r->req = fresh;
		r->buffer_size = ec->event_buffer;
		return 1;
	}
	gpiod_line_settings_set_edge_detection(r->settings, GPIOD_LINE_EDGE_NONE);
	gpiod_line_settings_set_debounce_period_us(r->settings, 0);
	gpiod_line_settings_set_event_clock(r->settings, GPIOD_LINE_CLOCK_MONOTONIC);
	int back = do_request(r, r->buffer_size, &r->req);
	if (back < 0)
		r->lost = back;
	return rc;
undo:
	gpiod_line_settings_set_edge_detection(r->settings, GPIOD_LINE_EDGE_NONE);
	gpiod_line_settings_set_debounce_period_us(r->settings, 0);
	gpiod_line_settings_set_event_clock(r->settings, GPIOD_LINE_CLOCK_MONOTONIC);
	return rc;
}

int pw_cd_edges_disable(struct pw_cd_req *r)
{
	if (r->lost)
		return r->lost;
	gpiod_line_settings_set_edge_detection(r->settings, GPIOD_LINE_EDGE_NONE);
	gpiod_line_settings_set_debounce_period_us(r->settings, 0);
	return reconfigure_in_place(r);
}

int pw_cd_fd(struct pw_cd_req *r)
{
	return r->lost ? -1 : gpiod_line_request_get_fd(r->req);
}

int pw_cd_read(struct pw_cd_req *r, struct pw_cd_event *ev, size_t n)
{
	if (r->lost)
		return r->lost;
	if (!n)
		return 0;
	if (n > PW_CD_READ_MAX)
		n = PW_CD_READ_MAX;
	errno = 0;
	int got = gpiod_line_request_read_edge_events(r->req, r->buf, n);
	if (got < 0)
		return errno == EAGAIN ? 0 : errno_or(-EIO);
	for (int i = 0; i < got; i++) {
		struct gpiod_edge_event *e =
			gpiod_edge_event_buffer_get_event(r->buf, (unsigned long)i);

		ev[i].timestamp_ns = gpiod_edge_event_get_timestamp_ns(e);
		ev[i].line_seqno = (uint32_t)gpiod_edge_event_get_line_seqno(e);
		ev[i].rising = gpiod_edge_event_get_event_type(e) ==
			       GPIOD_EDGE_EVENT_RISING_EDGE;
	}
	return got;
}

/* ------------------------------------------------ line groups (issue 16) */

/* The lines of one chip in ONE kernel request: get and set of all of them
 * in one ioctl (atomic), their edges on the request's one descriptor in the
 * kernel's order (each event names its line).  Every member's pw_cd_req
 * shares the request, for its own get/set. */
struct pw_cd_group {
	struct pw_cd_chip *chip;
	struct gpiod_line_request *req;        /* the members' too */
	struct gpiod_line_settings *settings;  /* every line's */
	struct gpiod_edge_event_buffer *buf;
	size_t buffer_size;       /* the request's event buffer, 0: default */
	int lost;                 /* -errno: a re-request failed (members too) */
	size_t n;
	unsigned *offsets;
	struct pw_cd_req *members;
};

/* The group's settings on each of its offsets. */
static struct gpiod_line_config *group_line_config(struct pw_cd_group *g)
{
	struct gpiod_line_config *lc = gpiod_line_config_new();

	if (lc && gpiod_line_config_add_line_settings(lc, g->offsets, g->n, g->settings) < 0) {
		gpiod_line_config_free(lc);
		return NULL;
	}
	return lc;
}

static void group_free(struct pw_cd_group *g)
{
	if (!g)
		return;
	for (size_t i = 0; g->members && i < g->n; i++)
		gpiod_line_settings_free(g->members[i].settings);
	free(g->members);
	free(g->offsets);
	gpiod_edge_event_buffer_free(g->buf);
	gpiod_line_settings_free(g->settings);
	free(g);
}

int pw_cd_request_group(struct pw_cd_chip *c, const unsigned *offsets, size_t n,
			const struct pw_line_config *cfg, struct pw_cd_group **out,
			struct pw_cd_req **members)
{
	struct pw_cd_group *g = calloc(1, sizeof(*g));
	int err = -ENOMEM;

	if (!g)
		return -ENOMEM;
	g->n = n;
	g->offsets = calloc(n, sizeof(*g->offsets));
	g->members = calloc(n, sizeof(*g->members));
	g->settings = gpiod_line_settings_new();
	g->buf = gpiod_edge_event_buffer_new(PW_CD_READ_MAX);
	if (!g->offsets || !g->members || !g->settings || !g->buf)
		goto fail;
	memcpy(g->offsets, offsets, n * sizeof(*offsets));
	err = settings_apply(g->settings, cfg);
	if (err < 0)
		goto fail;
	g->chip = c;
	err = request_lines(c, cfg->consumer, group_line_config(g), 0, &g->req);
	if (err < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct pw_cd_req *r = &g->members[i];
		r->chip = c;
		r->offset = offsets[i];
		strncpy(r->consumer, cfg->consumer, sizeof(r->consumer) - 1);
		r->req = g->req;   /* shared: released with the group */
		r->settings = gpiod_line_settings_copy(g->settings);
		if (!r->settings) {
			err = -ENOMEM;
			goto fail;
		}
		members[i] = r;
	}
	*out = g;
	return 0;
fail:
	if (g->req)
		gpiod_line_request_release(g->req);
	group_free(g);
	return err;
}

void pw_cd_release_group(struct pw_cd_group *g)
{
	if (!g)
		return;
	if (g->req)
		gpiod_line_request_release(g->req);
	group_free(g);
}

int pw_cd_group_get(struct pw_cd_group *g, int *values)
{
	if (g->lost)
		return g->lost;
	enum gpiod_line_value *v = calloc(g->n, sizeof(*v));
	int rc = 0;

	if (!v)
		return -ENOMEM;
	errno = 0;
	if (gpiod_line_request_get_values(g->req, v) < 0)
		rc = errno_or(-EIO);
	for (size_t i = 0; rc == 0 && i < g->n; i++)
		values[i] = v[i] == GPIOD_LINE_VALUE_ACTIVE;
	free(v);
	return rc;
}

int pw_cd_group_set(struct pw_cd_group *g, const int *values)
{
	if (g->lost)
		return g->lost;
	enum gpiod_line_value *v = calloc(g->n, sizeof(*v));
	int rc = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < g->n; i++)
		v[i] = values[i] ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE;
	errno = 0;
	if (gpiod_line_request_set_values(g->req, v) < 0)   /* one ioctl: atomic */
		rc = errno_or(-EIO);
	for (size_t i = 0; rc == 0 && i < g->n; i++)
		gpiod_line_settings_set_output_value(g->members[i].settings, v[i]);
	free(v);
	return rc;
}

static int group_reconfigure_in_place(struct pw_cd_group *g)
{
	return apply_line_config(g->req, group_line_config(g));
}

/* Release the group's request and request its lines again with the
 * group's settings and BUFFER_SIZE; the members follow.  On failure the
 * group has no request (g->req NULL). */
static int group_rerequest(struct pw_cd_group *g, size_t buffer_size)
{
	struct gpiod_line_request *fresh;
	int rc;

	if (g->req)
		gpiod_line_request_release(g->req);
	g->req = NULL;
	rc = request_lines(g->chip, g->members[0].consumer, group_line_config(g), buffer_size,
			   &fresh);
	if (rc < 0)
		return rc;
	g->req = fresh;
	g->buffer_size = buffer_size;
	for (size_t i = 0; i < g->n; i++)
		g->members[i].req = fresh;
	return 0;
}

/* The lines could not be requested again: every op says so from now on. */
static void group_lost(struct pw_cd_group *g, int err)
{
	g->lost = err;
	for (size_t i = 0; i < g->n; i++) {
		g->members[i].req = NULL;
		g->members[i].lost = err;
	}
}

int pw_cd_group_reconfigure(struct pw_cd_group *g, const struct pw_line_config *cfg)
{
	if (g->lost)
		return g->lost;
	struct gpiod_line_settings *old = gpiod_line_settings_copy(g->settings);
	int rc;

	if (!old)
		return -ENOMEM;
	rc = settings_apply(g->settings, cfg);
	if (rc == 0)
		rc = group_reconfigure_in_place(g);
	if (rc < 0) {
		gpiod_line_settings_free(g->settings);
		g->settings = old;
		return rc;
	}
	gpiod_line_settings_free(old);
	for (size_t i = 0; i < g->n; i++)
		settings_apply(g->members[i].settings, cfg);
	return 0;
}

int pw_cd_group_edges_enable(struct pw_cd_group *g, const struct pw_edge_config *ec)
{
	int rc;

	if (g->lost)
		return g->lost;
	if (gpiod_line_settings_get_direction(g->settings) == GPIOD_LINE_DIRECTION_OUTPUT)
		return -EPERM;
	if (ec->edges < PINWATCH_EDGE_RISING || ec->edges > PINWATCH_EDGE_BOTH)
		return -EINVAL;
	gpiod_line_settings_set_edge_detection(g->settings, edge_of(ec->edges));
	gpiod_line_settings_set_debounce_period_us(g->settings, debounce_us(ec->debounce_ns));
	if (!ec->event_buffer || ec->event_buffer == g->buffer_size) {
		rc = group_reconfigure_in_place(g);
		if (rc < 0)
			goto undo;
		return 0;
	}
	/* A new buffer size needs a new request, as a line's does (release
	 * first: the kernel does not let one process request a line twice).
	 * The core holds every member's line meanwhile: no member op runs on
	 * the old request. */
	rc = group_rerequest(g, ec->event_buffer);
	if (rc == 0)
		return 1;
undo:
	gpiod_line_settings_set_edge_detection(g->settings, GPIOD_LINE_EDGE_NONE);
	gpiod_line_settings_set_debounce_period_us(g->settings, 0);
	if (rc < 0 && !g->req) {   /* the new request failed: the old settings back */
		int back = group_rerequest(g, g->buffer_size);
		if (back < 0)
			group_lost(g, back);
	}
	return rc;
}

int pw_cd_group_edges_disable(struct pw_cd_group *g)
{
	if (g->lost)
		return g->lost;
	gpiod_line_settings_set_edge_detection(g->settings, GPIOD_LINE_EDGE_NONE);
	gpiod_line_settings_set_debounce_period_us(g->settings, 0);
	return group_reconfigure_in_place(g);
}

int pw_cd_group_fd(struct pw_cd_group *g)
{
	return g->lost ? -1 : gpiod_line_request_get_fd(g->req);
}

int pw_cd_group_read(struct pw_cd_group *g, struct pw_cd_event *ev, size_t n)
{
	if (g->lost)
		return g->lost;
	if (!n)
		return 0;
	if (n > PW_CD_READ_MAX)
		n = PW_CD_READ_MAX;
	errno = 0;
	int got = gpiod_line_request_read_edge_events(g->req, g->buf, n);
	if (got < 0)
		return errno == EAGAIN ? 0 : errno_or(-EIO);
	for (int i = 0; i < got; i++) {
		struct gpiod_edge_event *e =
			gpiod_edge_event_buffer_get_event(g->buf, (unsigned long)i);

		ev[i].timestamp_ns = gpiod_edge_event_get_timestamp_ns(e);
		ev[i].line_seqno = (uint32_t)gpiod_edge_event_get_line_seqno(e);
		ev[i].rising = gpiod_edge_event_get_event_type(e) == GPIOD_EDGE_EVENT_RISING_EDGE;
		ev[i].offset = gpiod_edge_event_get_line_offset(e);
	}
	return got;
}
