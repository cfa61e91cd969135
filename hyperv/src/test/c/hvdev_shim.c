// SPDX-License-Identifier: Apache-2.0
/*
 * LD_PRELOAD shim for running a hyperv-daemons binary against guestd's device emulator: open() of
 * the device path named by HVDEV_SHIM_PATH (default /dev/vmbus/hv_kvp) returns a duplicate of the
 * inherited descriptor HVDEV_SHIM_FD (one end of a SOCK_SEQPACKET socketpair, which keeps the
 * device's one-message-per-read/write semantics). Every other open() goes to libc. A duplicate is
 * returned so the daemon may close and reopen the "device" as it does after errors. pread()/pwrite()
 * on such a duplicate (hv_fcopy_daemon uses them at offset 0 on the device; a socket would fail
 * them with ESPIPE) become read()/write(); on any other descriptor they go to libc. Built by the
 * differential tests with gcc at test time; never installed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define TRACKED 1024
static unsigned char device_fd[TRACKED];

static int remember(int fd)
{
	if (fd >= 0 && fd < TRACKED)
		device_fd[fd] = 1;
	return fd;
}

static int is_device(int fd)
{
	return fd >= 0 && fd < TRACKED && device_fd[fd];
}

static int redirected(const char *path, int flags)
{
	const char *dev = getenv("HVDEV_SHIM_PATH");
	const char *fd = getenv("HVDEV_SHIM_FD");

	if (!dev)
		dev = "/dev/vmbus/hv_kvp";
	if (!path || strcmp(path, dev) != 0)
		return -2;
	if (!fd) {
		errno = ENOENT;
		return -1;
	}
	return remember(fcntl(atoi(fd), (flags & O_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 0));
}

static int call_real(const char *name, const char *path, int flags, mode_t mode)
{
	int (*real)(const char *, int, ...) = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, name);

	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	return real(path, flags, mode);
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int r;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	r = redirected(path, flags);
	return r != -2 ? r : call_real("open", path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int r;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	r = redirected(path, flags);
	return r != -2 ? r : call_real("open64", path, flags, mode);
}

int close(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "close");

	if (fd >= 0 && fd < TRACKED)
		device_fd[fd] = 0;
	return real(fd);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	ssize_t (*real)(int, void *, size_t, off_t) = (ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread");

	return is_device(fd) ? read(fd, buf, n) : real(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	ssize_t (*real)(int, const void *, size_t, off_t) =
		(ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");

	return is_device(fd) ? write(fd, buf, n) : real(fd, buf, n, off);
}
