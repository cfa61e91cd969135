// SPDX-License-Identifier: Apache-2.0
/*
 * LD_PRELOAD guard for running Debian's hv_vss_daemon in the VSS differential test, next to the
 * device shim (hyperv/src/test/c/hvdev_shim.c). Three things, so that it freezes the test's loop
 * filesystem and nothing else, ever:
 *  - setmntent("/proc/mounts") reads VSS_GUARD_MOUNTS instead: a mount list with only the test's
 *    loop mount;
 *  - access("/sys/dev/block/M:m/loop") fails with ENOENT, so that loop mount is not skipped as the
 *    daemon skips loop devices;
 *  - ioctl(FIFREEZE/FITHAW) is refused with EPERM (and reported on stderr) unless the descriptor's
 *    path lies under VSS_GUARD_ROOT: even a wrong mount list cannot freeze anything else.
 * Built by the test with gcc; never installed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <mntent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define GUARD_FIFREEZE 0xC0045877UL
#define GUARD_FITHAW 0xC0045878UL

FILE *setmntent(const char *file, const char *type)
{
	FILE *(*real)(const char *, const char *) = (FILE * (*)(const char *, const char *))dlsym(RTLD_NEXT, "setmntent");
	const char *list = getenv("VSS_GUARD_MOUNTS");

	if (file && (strcmp(file, "/proc/mounts") == 0 || strcmp(file, "/etc/mtab") == 0)) {
		if (!list) {
			errno = ENOENT;
			return NULL;
		}
		return real(list, type);
	}
	return real(file, type);
}

int access(const char *path, int mode)
{
	int (*real)(const char *, int) = (int (*)(const char *, int))dlsym(RTLD_NEXT, "access");
	size_t n = strlen(path);

	if (n > 20 && strncmp(path, "/sys/dev/block/", 15) == 0 && strcmp(path + n - 5, "/loop") == 0) {
		errno = ENOENT;
		return -1;
	}
	return real(path, mode);
}

static int allowed(int fd)
{
	const char *root = getenv("VSS_GUARD_ROOT");
	char link[64], target[4096];
	ssize_t n;

	if (!root || !*root)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	return strncmp(target, root, strlen(root)) == 0
		&& (target[strlen(root)] == '\0' || target[strlen(root)] == '/');
}

int ioctl(int fd, unsigned long request, ...)
{
	int (*real)(int, unsigned long, ...) = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if ((request == GUARD_FIFREEZE || request == GUARD_FITHAW) && !allowed(fd)) {
		fprintf(stderr, "vss_guard: refused %s on fd %d (outside VSS_GUARD_ROOT)\n",
			request == GUARD_FIFREEZE ? "FIFREEZE" : "FITHAW", fd);
		errno = EPERM;
		return -1;
	}
	return real(fd, request, arg);
}
