/* SPDX-License-Identifier: MIT */
/*
 * Path resolution beneath the sysfs root: the one place where a path under
 * the root becomes a descriptor, so a crafted root cannot reach outside it.
 *
 * Two kinds of root, told apart by the filesystem the root is on:
 *
 *  - A root on sysfs (the real /sys/class/gpio): every entry, and every
 *    symlink, was made by the kernel — gpioN and gpiochipN ARE symlinks into
 *    /sys/devices — so symlinks are followed, but only while they stay on the
 *    same sysfs mount (openat2 RESOLVE_NO_XDEV; without openat2, the result is
 *    checked to be on sysfs).  Nobody can plant a link in sysfs.
 *  - Any other root (a test's fake tree, or a crafted one): nothing may leave
 *    the root.  Directories are resolved with openat2 RESOLVE_BENEATH |
 *    RESOLVE_NO_SYMLINKS or, where the kernel has no openat2, by walking the
 *    components with O_NOFOLLOW | O_DIRECTORY; ".." never climbs above the
 *    root.  Only an identity lookup (a chip's `device` link, compared by inode)
 *    follows a link, and only a relative one that stays beneath the root.
 *
 * Files are opened in two steps: the parent directory as above, then the last
 * component is checked with fstatat(AT_SYMLINK_NOFOLLOW) to be a regular file
 * before it is opened (O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, so neither a link,
 * a FIFO nor a device node is ever opened, and a FIFO swapped in between
 * cannot block), and checked again with fstat after.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif
#ifndef RESOLVE_BENEATH     /* headers older than the kernel's 5.6 */
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#endif

#include "sysfs.h"

#define SYSFS_FS_MAGIC 0x62656572   /* linux/magic.h SYSFS_MAGIC */
#define WALK_MAX_DEPTH 16
#define WALK_MAX_LINKS 8

/* Tests set it to run the fallback on kernels that have openat2. */
int pw_sysfs_force_walk;

int pw_sysfs_on_sysfs(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && (unsigned long)sf.f_type == SYSFS_FS_MAGIC;
}

static const char *type_name(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISLNK(m))
		return "a symbolic link";
	return "not a regular file";
}

/* -1 (errno ENOSYS) when the kernel or the build has no openat2. */
static int try_openat2(int dirfd, const char *rel, unsigned long long resolve)
{
#ifdef SYS_openat2
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = resolve,
	};

	if (pw_sysfs_force_walk) {
		errno = ENOSYS;
		return -1;
	}
	return (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
#else
	(void)dirfd, (void)rel, (void)resolve;
	errno = ENOSYS;
	return -1;
#endif
}

/* The fallback of RESOLVE_BENEATH: one component at a time, never a link
 * (unless follow: then a relative one, spliced into the rest of the path),
 * ".." pops a descriptor we opened ourselves, so it cannot pass the root. */
static int walk_beneath(int rootfd, const char *rel, int follow)
{
	int stack[WALK_MAX_DEPTH + 1], depth = 0, links = 0, ret = -1;
	char path[2 * PATH_MAX], *p = path;

	if (strlen(rel) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(path, sizeof(path), "%s", rel);
	stack[0] = rootfd;
	while (*p) {
		char *comp = p, *slash = strchr(p, '/');
		if (slash) {
			*slash = '\0';
			p = slash + 1;
		} else {
			p += strlen(p);
		}
		if (!*comp || !strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			if (!depth) {
				errno = EXDEV;
				goto out;
			}
			close(stack[depth--]);
			continue;
		}
		if (depth == WALK_MAX_DEPTH) {
			errno = ELOOP;
			goto out;
		}
		int fd = openat(stack[depth], comp,
				O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			stack[++depth] = fd;
			continue;
		}
		if (errno != ELOOP && errno != ENOTDIR)
			goto out;
		char target[PATH_MAX];
		ssize_t n = readlinkat(stack[depth], comp, target, sizeof(target) - 1);
		if (n < 0) {
			errno = ENOTDIR;    /* not a link: a file where a directory was wanted */
			goto out;
		}
		target[n] = '\0';
		if (!follow || target[0] == '/' || ++links > WALK_MAX_LINKS ||
		    (size_t)n + 1 + strlen(p) >= sizeof(path) / 2) {
			errno = follow && target[0] != '/' ? ELOOP : EXDEV;
			goto out;
		}
		/* the link's text, then what was left of the path */
		char rest[PATH_MAX];
		snprintf(rest, sizeof(rest), "%s", p);
		snprintf(path, sizeof(path), "%s/%s", target, rest);
		p = path;
	}
	/* The root itself: a descriptor of its own (a dup would share the
	 * directory's read position, and a second listing would be empty). */
	ret = depth ? stack[depth] : openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (depth)
		depth--;    /* handed out: not closed below */
out:
	while (depth > 0)
		close(stack[depth--]);
	return ret;
}

int pw_sysfs_open_dir(const struct sysfs_state *st, const char *rel, int follow)
{
	int fd;

	if (!*rel)
		rel = ".";
	if (st->on_sysfs) {
		fd = try_openat2(st->rootfd, rel, RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS);
		if (fd < 0 && errno == ENOSYS) {
			fd = openat(st->rootfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd >= 0 && !pw_sysfs_on_sysfs(fd)) {
				close(fd);
				errno = EXDEV;
				fd = -1;
			}
		}
		return fd < 0 ? -errno : fd;
	}
	fd = try_openat2(st->rootfd, rel, RESOLVE_BENEATH | (follow ? 0 : RESOLVE_NO_SYMLINKS));
	if (fd < 0 && errno == ENOSYS)
		fd = walk_beneath(st->rootfd, rel, follow);
	return fd < 0 ? -errno : fd;
}

/* Split "A/B/FILE" into its directory's descriptor and "FILE". */
static int open_parent(const struct sysfs_state *st, const char *rel, const char **last)
{
	const char *slash = strrchr(rel, '/');
	char dir[PATH_MAX];

	if (!slash) {
		*last = rel;
		return pw_sysfs_open_dir(st, ".", 0);
	}
	if ((size_t)(slash - rel) >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, rel, (size_t)(slash - rel));
	dir[slash - rel] = '\0';
	*last = slash + 1;
	return pw_sysfs_open_dir(st, dir, 0);
}

static int refuse(const struct sysfs_state *st, const char *rel, int err, const char *why)
{
	pw_detail("%s/%s: %s", st->root, rel, why);
	return err;
}

static int explain(const struct sysfs_state *st, const char *rel, int err, const char *what)
{
	if (err == -EXDEV || err == -ELOOP)
		return refuse(st, rel, err,
			      "refused: the path leaves the root or goes through a symbolic link");
	pw_detail("cannot %s %s/%s", what, st->root, rel);
	return err;
}

int pw_sysfs_open_file(const struct sysfs_state *st, const char *rel, int flags)
{
	const char *last;
	struct stat sb, after;
	int dirfd = open_parent(st, rel, &last), fd, err;

	if (dirfd < 0)
		return explain(st, rel, dirfd, "open");
	if (fstatat(dirfd, last, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		err = -errno;
		close(dirfd);
		return explain(st, rel, err, "open");
	}
	if (!S_ISREG(sb.st_mode)) {
		close(dirfd);
		if (S_ISLNK(sb.st_mode))
			return refuse(st, rel, -ELOOP, "refused: a symbolic link, not an attribute");
		pw_detail("%s/%s is %s, not an attribute", st->root, rel, type_name(sb.st_mode));
		return -EINVAL;
	}
	fd = openat(dirfd, last, flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	err = fd < 0 ? -errno : 0;
	close(dirfd);
	if (fd < 0)
		return explain(st, rel, err, "open");
	/* Swapped between the check and the open: refuse what we got. */
	if (fstat(fd, &after) < 0 || !S_ISREG(after.st_mode)) {
		close(fd);
		pw_detail("%s/%s changed type while being opened", st->root, rel);
		return -EINVAL;
	}
	/* sysfs attributes ignore O_NONBLOCK; a regular file never blocks */
	return fd;
}

int pw_sysfs_stat(const struct sysfs_state *st, const char *rel, struct stat *sb, int follow)
{
	const char *last;
	int fd, ret = 0;

	if (follow) {
		fd = pw_sysfs_open_dir(st, rel, 1);
		if (fd < 0)
			return fd;
		if (fstat(fd, sb) < 0)
			ret = -errno;
		close(fd);
		return ret;
	}
	fd = open_parent(st, rel, &last);
	if (fd < 0)
		return fd;
	/* On sysfs the entries are the kernel's links (gpioN): follow them. */
	if (fstatat(fd, last, sb, st->on_sysfs ? 0 : AT_SYMLINK_NOFOLLOW) < 0)
		ret = -errno;
	close(fd);
	return ret;
}
