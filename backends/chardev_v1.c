/* SPDX-License-Identifier: MIT */
/*
 * The chardev backend's libgpiod 1.6 part (Debian 12, the armel boards).
 *
 * What the 1.6 API cannot do, and how it is handled:
 *  - edge detection is a kind of request, not a setting: enabling or
 *    disabling edges releases the line and requests it again (same consumer,
 *    active-low and bias); another process may take the line in between,
 *    which is reported as -EBUSY with its consumer's name;
 *  - reconfigure uses gpiod_line_set_config() (kernel 5.5+, no release) and
 *    falls back to release + request on older kernels, driving the
 *    configured value from the first instant;
 *  - no kernel sequence numbers, debounce or event buffer size: the core
 *    infers losses and debounces in software.
 */
#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "chardev.h"

struct pw_cd_chip {
	struct gpiod_chip *chip;
	char *path;
};

struct pw_cd_req {
	/* The request's own chip handle: libgpiod 1.6 keeps one gpiod_line per
	 * chip and offset and rewrites it on every info query, so a request
	 * sharing the board's chip would race with line_info on another thread. */
	struct gpiod_chip *chip;
	struct gpiod_line *line;
	char consumer[32];
	int flags;       /* GPIOD_LINE_REQUEST_FLAG_* without drive (inputs) */
	int drive_flags; /* open drain/source, applied to outputs */
	int output;
	int value;       /* logical value driven (outputs) */
	int edges;       /* PINWATCH_EDGE_* while requested for events, else 0 */
	int lost;        /* -errno: a re-request failed, the line is not ours */
	/* A member of a group's one handle (line groups): get and set go
	 * through the whole handle, index says which of its lines. */
	struct pw_cd_group *group;
	size_t index;
};

/* A group of outputs: one kernel line handle for all its lines (uAPI v1's
 * GPIOHANDLE request takes many), so a set is one ioctl. */
struct pw_cd_group {
	struct gpiod_chip *chip;   /* its own, as a request's */
	struct gpiod_line_bulk bulk;
	struct pw_cd_req *members;
	int *values;               /* what each line drives (a set sets all) */
	size_t n;
	/* A member's set composes the others' values with its own: the group's
	 * get, set and reconfigure and its members' are serialized here (the
	 * core serializes a line's operations, not one line's with another's). */
	pthread_mutex_t mu;
};

static int group_member_get(struct pw_cd_req *r);
static int group_member_set(struct pw_cd_req *r, int value);

unsigned pw_cd_caps(void)
{
	return PW_CAP_BIAS | PW_CAP_DRIVE;
}

int pw_cd_chip_open(const char *path, struct pw_cd_chip **out,
		    struct pw_cd_chip_desc *desc)
{
	struct pw_cd_chip *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->path = strdup(path);
	if (!c->path) {
		free(c);
		return -ENOMEM;
	}
	c->chip = gpiod_chip_open(path);
	if (!c->chip) {
		int err = errno ? -errno : -ENODEV;
		free(c->path);
		free(c);
		return err;
	}
	memset(desc, 0, sizeof(*desc));
	strncpy(desc->name, gpiod_chip_name(c->chip), sizeof(desc->name) - 1);
	strncpy(desc->label, gpiod_chip_label(c->chip), sizeof(desc->label) - 1);
	desc->num_lines = gpiod_chip_num_lines(c->chip);
	*out = c;
	return 0;
}

void pw_cd_chip_close(struct pw_cd_chip *c)
{
	if (!c)
		return;
	gpiod_chip_close(c->chip);
	free(c->path);
	free(c);
}

static int bias_from_gpiod(int bias)
{
	switch (bias) {
	case GPIOD_LINE_BIAS_DISABLE:
		return PINWATCH_BIAS_DISABLED;
	case GPIOD_LINE_BIAS_PULL_UP:
		return PINWATCH_BIAS_PULL_UP;
	case GPIOD_LINE_BIAS_PULL_DOWN:
		return PINWATCH_BIAS_PULL_DOWN;
	default:
		return PINWATCH_BIAS_AS_IS;
	}
}

int pw_cd_line_info(struct pw_cd_chip *c, unsigned offset,
		    struct pinwatch_line_info *out)
{
	struct gpiod_line *line = gpiod_chip_get_line(c->chip, offset);
	const char *s;

	if (!line || gpiod_line_update(line) < 0)
		return errno ? -errno : -EIO;
	if ((s = gpiod_line_name(line)))
		strncpy(out->name, s, sizeof(out->name) - 1);
	out->used = gpiod_line_is_used(line);
	if ((s = gpiod_line_consumer(line)))
		strncpy(out->consumer, s, sizeof(out->consumer) - 1);
	out->direction = gpiod_line_direction(line) == GPIOD_LINE_DIRECTION_OUTPUT
			 ? PINWATCH_DIR_OUTPUT : PINWATCH_DIR_INPUT;
	out->active_low = gpiod_line_active_state(line) == GPIOD_LINE_ACTIVE_STATE_LOW;
	out->bias = bias_from_gpiod(gpiod_line_bias(line));
	out->drive = gpiod_line_is_open_drain(line) ? PINWATCH_DRIVE_OPEN_DRAIN
		     : gpiod_line_is_open_source(line) ? PINWATCH_DRIVE_OPEN_SOURCE
		     : PINWATCH_DRIVE_PUSH_PULL;
	out->edges = -1;   /* uAPI v1's line info has no edge flags */
	return 0;
}

/* Request flags of cfg; -EINVAL for a value out of range. */
static int flags_of(const struct pw_line_config *cfg, int *flags, int *drive)
{
	*flags = cfg->active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
	switch (cfg->bias) {
	case PINWATCH_BIAS_AS_IS:
		break;
	case PINWATCH_BIAS_DISABLED:
		*flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
		break;
	case PINWATCH_BIAS_PULL_UP:
		*flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
		break;
	case PINWATCH_BIAS_PULL_DOWN:
		*flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
		break;
	default:
		return -EINVAL;
	}
	switch (cfg->drive) {
	case PINWATCH_DRIVE_PUSH_PULL:
		*drive = 0;
		break;
	case PINWATCH_DRIVE_OPEN_DRAIN:
		*drive = GPIOD_LINE_REQUEST_FLAG_OPEN_DRAIN;
		break;
	case PINWATCH_DRIVE_OPEN_SOURCE:
		*drive = GPIOD_LINE_REQUEST_FLAG_OPEN_SOURCE;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int request_type(int output, int edges)
{
	switch (edges) {
	case PINWATCH_EDGE_RISING:
		return GPIOD_LINE_REQUEST_EVENT_RISING_EDGE;
	case PINWATCH_EDGE_FALLING:
		return GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE;
	case PINWATCH_EDGE_BOTH:
		return GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES;
	default:
		return output ? GPIOD_LINE_REQUEST_DIRECTION_OUTPUT
			      : GPIOD_LINE_REQUEST_DIRECTION_INPUT;
	}
}

/* Request r->line as r's fields say. */
static int do_request(struct pw_cd_req *r)
{
	struct gpiod_line_request_config rc = {
		.consumer = r->consumer,
		.request_type = request_type(r->output, r->edges),
		.flags = r->flags | (r->output ? r->drive_flags : 0),
	};

	if (gpiod_line_request(r->line, &rc, r->value) < 0)
		return errno ? -errno : -EIO;
	if (r->edges) {
		/* The kernel's event descriptor blocks in read(); the core must
		 * be able to drain it without waiting. */
		int fd = gpiod_line_event_get_fd(r->line);
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
			int err = -errno;
			gpiod_line_release(r->line);
			return err;
		}
	}
	return 0;
}

/* Release and request again with r's (new) fields.  If that fails, get the
 * line back as it was (OLD); if even that fails, the line is lost to
 * whoever took it in between.  Returns the first failure. */
static int rerequest(struct pw_cd_req *r, const struct pw_cd_req *old)
{
	gpiod_line_release(r->line);
	int rc = do_request(r);
	if (rc == 0) {
		r->lost = 0;
		return 0;
	}
	r->flags = old->flags;
	r->drive_flags = old->drive_flags;
	r->output = old->output;
	r->value = old->value;
	r->edges = old->edges;
	int back = do_request(r);
	if (back < 0) {
		r->lost = back;
		r->edges = 0;
	}
	return rc;
}

int pw_cd_request(struct pw_cd_chip *c, unsigned offset,
		  const struct pw_line_config *cfg, struct pw_cd_req **out)
{
	struct pw_cd_req *r = calloc(1, sizeof(*r));
	int rc;

	if (!r)
		return -ENOMEM;
	rc = flags_of(cfg, &r->flags, &r->drive_flags);
	if (rc < 0)
		goto fail;
	strncpy(r->consumer, cfg->consumer, sizeof(r->consumer) - 1);
	r->output = cfg->direction == PINWATCH_DIR_OUTPUT;
	r->value = r->output ? !!cfg->value : 0;
	r->chip = gpiod_chip_open(c->path);
	if (!r->chip) {
		rc = errno ? -errno : -ENODEV;
		goto fail;
	}
	r->line = gpiod_chip_get_line(r->chip, offset);
	if (!r->line) {
		rc = errno ? -errno : -EINVAL;
		goto fail;
	}
	rc = do_request(r);
	if (rc < 0)
		goto fail;
	*out = r;
	return 0;
fail:
	if (r->chip)
		gpiod_chip_close(r->chip);
	free(r);
	return rc;
}

void pw_cd_release(struct pw_cd_req *r)
{
	if (!r)
		return;
	if (gpiod_line_is_requested(r->line))
		gpiod_line_release(r->line);
	gpiod_chip_close(r->chip);
	free(r);
}

int pw_cd_get(struct pw_cd_req *r)
{
	if (r->group)
		return group_member_get(r);
	if (r->lost)
		return r->lost;
	int v = gpiod_line_get_value(r->line);
	return v < 0 ? (errno ? -errno : -EIO) : v;
}

int pw_cd_set(struct pw_cd_req *r, int value)
{
	if (r->lost)
		return r->lost;
	if (!r->output)
		return -EPERM;
	if (r->group)
		return group_member_set(r, value);
	if (gpiod_line_set_value(r->line, !!value) < 0)
		return errno ? -errno : -EIO;
	r->value = !!value;
	return 0;
}

int pw_cd_reconfigure(struct pw_cd_req *r, const struct pw_line_config *cfg)
{
	struct pw_cd_req old = *r;
	int flags, drive;
	int rc = flags_of(cfg, &flags, &drive);

	if (rc < 0)
		return rc;
	if (r->edges)
		return -EBUSY;  /* the core never reconfigures a watched line */
	r->flags = flags;
	r->drive_flags = drive;
	r->output = cfg->direction == PINWATCH_DIR_OUTPUT;
	r->value = r->output ? !!cfg->value : 0;
	if (!r->lost) {
		/* In place: no release, no glitch, nobody can take the line. */
		if (gpiod_line_set_config(r->line,
					  r->output ? GPIOD_LINE_REQUEST_DIRECTION_OUTPUT
						    : GPIOD_LINE_REQUEST_DIRECTION_INPUT,
					  r->flags | (r->output ? r->drive_flags : 0),
					  r->value) == 0)
			return 0;
		/* Kernels before 5.5 answer EINVAL to the SET_CONFIG ioctl;
		 * anything else is a real refusal. */
		if (errno != EINVAL && errno != ENOTTY) {
			rc = errno ? -errno : -EIO;
			*r = old;
			return rc;
		}
	}
	return rerequest(r, &old);
}

int pw_cd_edges_enable(struct pw_cd_req *r, const struct pw_edge_config *ec)
{
	struct pw_cd_req old = *r;

	if (r->lost)
		return r->lost;
	if (r->output)
		return -EPERM;
	if (ec->edges < PINWATCH_EDGE_RISING || ec->edges > PINWATCH_EDGE_BOTH)
		return -EINVAL;
	r->edges = ec->edges;
	int rc = rerequest(r, &old);
	return rc < 0 ? rc : 1;
}

int pw_cd_edges_disable(struct pw_cd_req *r)
{
	struct pw_cd_req old = *r;

	if (r->lost || !r->edges)
		return r->lost;
	r->edges = 0;
	/* If only the plain request fails and the events request comes back,
	 * the line is still ours (success: unread events are harmless there,
	 * the next edges_enable requests afresh); if neither does, it is lost. */
	rerequest(r, &old);
	return r->lost;
}

int pw_cd_fd(struct pw_cd_req *r)
{
	if (r->lost || !r->edges)
		return -1;
	return gpiod_line_event_get_fd(r->line);
}

int pw_cd_read(struct pw_cd_req *r, struct pw_cd_event *ev, size_t n)
{
	struct gpiod_line_event raw[PW_CD_READ_MAX];

	if (r->lost)
		return r->lost;
	if (!r->edges || !n)
		return 0;
	if (n > PW_CD_READ_MAX)
		n = PW_CD_READ_MAX;
	int got = gpiod_line_event_read_fd_multiple(gpiod_line_event_get_fd(r->line),
						    raw, (unsigned)n);
	if (got < 0)
		return errno == EAGAIN ? 0 : (errno ? -errno : -EIO);
	for (int i = 0; i < got; i++) {
		ev[i].timestamp_ns = (uint64_t)raw[i].ts.tv_sec * 1000000000u +
				     (uint64_t)raw[i].ts.tv_nsec;
		ev[i].line_seqno = 0;
		ev[i].rising = raw[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE;
	}
	return got;
}

/* ------------------------------------------------ line groups (issue 16) */

/* libgpiod 1.6 (uAPI v1): a line is in one handle for values or in an
 * event request of its own, never both, so only a group of outputs is one
 * kernel handle (atomic get and set, one ioctl each); a group of inputs is
 * -EOPNOTSUPP, the core's per-line fallback, so that it can be watched
 * (its events ordered by the core's merge). */
int pw_cd_request_group(struct pw_cd_chip *c, const unsigned *offsets, size_t n,
			const struct pw_line_config *cfg, struct pw_cd_group **out,
			struct pw_cd_req **members)
{
	struct pw_cd_group *g;
	int flags, drive, rc;

	if (cfg->direction != PINWATCH_DIR_OUTPUT || n > GPIOD_LINE_BULK_MAX_LINES)
		return -EOPNOTSUPP;
	rc = flags_of(cfg, &flags, &drive);
	if (rc < 0)
		return rc;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->n = n;
	g->members = calloc(n, sizeof(*g->members));
	g->values = calloc(n, sizeof(*g->values));
	g->chip = gpiod_chip_open(c->path);
	if (!g->members || !g->values || !g->chip) {
		rc = g->chip ? -ENOMEM : (errno ? -errno : -ENODEV);
		goto fail;
	}
	if (gpiod_chip_get_lines(g->chip, (unsigned *)offsets, (unsigned)n, &g->bulk) < 0) {
		rc = errno ? -errno : -EINVAL;
		goto fail;
	}
	for (size_t i = 0; i < n; i++)
		g->values[i] = !!cfg->value;
	pthread_mutex_init(&g->mu, NULL);
	struct gpiod_line_request_config rcfg = {
		.consumer = cfg->consumer,
		.request_type = GPIOD_LINE_REQUEST_DIRECTION_OUTPUT,
		.flags = flags | drive,
	};
	if (gpiod_line_request_bulk(&g->bulk, &rcfg, g->values) < 0) {
		rc = errno ? -errno : -EIO;
		pthread_mutex_destroy(&g->mu);
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		struct pw_cd_req *r = &g->members[i];
		r->line = gpiod_line_bulk_get_line(&g->bulk, (unsigned)i);
		strncpy(r->consumer, cfg->consumer, sizeof(r->consumer) - 1);
		r->flags = flags;
		r->drive_flags = drive;
		r->output = 1;
		r->value = g->values[i];
		r->group = g;
		r->index = i;
		members[i] = r;
	}
	*out = g;
	return 0;
fail:
	if (g->chip)
		gpiod_chip_close(g->chip);
	free(g->members);
	free(g->values);
	free(g);
	return rc;
}

void pw_cd_release_group(struct pw_cd_group *g)
{
	if (!g)
		return;
	gpiod_line_release_bulk(&g->bulk);
	gpiod_chip_close(g->chip);
	pthread_mutex_destroy(&g->mu);
	free(g->members);
	free(g->values);
	free(g);
}

/* With g->mu held. */
static int group_get_locked(struct pw_cd_group *g, int *values)
{
	if (gpiod_line_get_value_bulk(&g->bulk, values) < 0)
		return errno ? -errno : -EIO;
	return 0;
}

/* With g->mu held. */
static int group_set_locked(struct pw_cd_group *g, const int *values)
{
	int v[GPIOD_LINE_BULK_MAX_LINES];

	for (size_t i = 0; i < g->n; i++)
		v[i] = !!values[i];
	if (gpiod_line_set_value_bulk(&g->bulk, v) < 0)   /* one ioctl: atomic */
		return errno ? -errno : -EIO;
	for (size_t i = 0; i < g->n; i++)
		g->values[i] = g->members[i].value = v[i];
	return 0;
}

int pw_cd_group_get(struct pw_cd_group *g, int *values)
{
	pthread_mutex_lock(&g->mu);
	int rc = group_get_locked(g, values);
	pthread_mutex_unlock(&g->mu);
	return rc;
}

int pw_cd_group_set(struct pw_cd_group *g, const int *values)
{
	pthread_mutex_lock(&g->mu);
	int rc = group_set_locked(g, values);
	pthread_mutex_unlock(&g->mu);
	return rc;
}

/* One member through the whole handle: the kernel reads and sets all of
 * its lines at once (libgpiod's single-line calls would use the first). */
static int group_member_get(struct pw_cd_req *r)
{
	int v[GPIOD_LINE_BULK_MAX_LINES];
	int rc = pw_cd_group_get(r->group, v);

	return rc < 0 ? rc : v[r->index];
}

static int group_member_set(struct pw_cd_req *r, int value)
{
	struct pw_cd_group *g = r->group;
	int v[GPIOD_LINE_BULK_MAX_LINES];

	pthread_mutex_lock(&g->mu);
	for (size_t i = 0; i < g->n; i++)
		v[i] = i == r->index ? !!value : g->values[i];
	int rc = group_set_locked(g, v);
	pthread_mutex_unlock(&g->mu);
	return rc;
}

/* In place (kernel 5.5+), as outputs: uAPI v1 cannot turn a value handle
 * into event requests, so a group of outputs stays outputs. */
int pw_cd_group_reconfigure(struct pw_cd_group *g, const struct pw_line_config *cfg)
{
	int flags, drive, rc = flags_of(cfg, &flags, &drive);
	int v[GPIOD_LINE_BULK_MAX_LINES];

	if (rc < 0)
		return rc;
	if (cfg->direction != PINWATCH_DIR_OUTPUT) {
		pw_detail("with libgpiod 1.6 a group of outputs stays outputs (uAPI v1: one event "
			  "request per line); close it and open the lines as inputs");
		return -EOPNOTSUPP;
	}
	for (size_t i = 0; i < g->n; i++)
		v[i] = !!cfg->value;
	pthread_mutex_lock(&g->mu);
	if (gpiod_line_set_config_bulk(&g->bulk, GPIOD_LINE_REQUEST_DIRECTION_OUTPUT,
				       flags | drive, v) < 0) {
		rc = errno ? -errno : -EIO;
	} else {
		for (size_t i = 0; i < g->n; i++) {
			g->values[i] = g->members[i].value = v[i];
			g->members[i].flags = flags;
			g->members[i].drive_flags = drive;
		}
	}
	pthread_mutex_unlock(&g->mu);
	return rc;
}

int pw_cd_group_edges_enable(struct pw_cd_group *g, const struct pw_edge_config *ec)
{
	(void)g, (void)ec;
	return -EOPNOTSUPP;
}

int pw_cd_group_edges_disable(struct pw_cd_group *g)
{
	(void)g;
	return -EOPNOTSUPP;
}

int pw_cd_group_fd(struct pw_cd_group *g)
{
	(void)g;
	return -1;
}

int pw_cd_group_read(struct pw_cd_group *g, struct pw_cd_event *ev, size_t n)
{
	(void)g, (void)ev, (void)n;
	return -EOPNOTSUPP;
}
