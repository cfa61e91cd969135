// SPDX-License-Identifier: Apache-2.0
/*
 * LD_PRELOAD shim for running the upstream hv_fcopy_uio_daemon against guestd's uio_hv_generic
 * emulator. The emulated device is two inherited descriptors: HVUIO_MAP_FD, a memfd holding both
 * rings (mmap of the "device" maps it), and HVUIO_EVENT_FD, a SOCK_SEQPACKET end carrying the
 * 4-byte interrupt reads and irqcontrol writes. open() of HVUIO_DEV (default /dev/uio0) returns a
 * duplicate of the memfd; pread()/read() of that descriptor read the next interrupt message from
 * the event socket (end of file there is reported as EIO, as the real device after a rescind);
 * write() to it goes to the event socket. Everything else goes to libc. The sysfs directories the
 * daemon reads are made by the test in a tmpfs of its private mount namespace.
 * Built by the differential test with gcc at test time; never installed.
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

static int dev_fd = -1;

static int env_fd(const char *name)
{
	const char *v = getenv(name);

	return v ? atoi(v) : -1;
}

static void *real(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static int redirect_open(const char *path, int flags)
{
	const char *dev = getenv("HVUIO_DEV");
	int map = env_fd("HVUIO_MAP_FD");
	int fd;

	if (!dev)
		dev = "/dev/uio0";
	if (!path || strcmp(path, dev) != 0)
		return -2;
	if (map < 0) {
		errno = ENOENT;
		return -1;
	}
	fd = fcntl(map, (flags & O_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
	if (fd >= 0)
		dev_fd = fd;
	return fd;
}

static mode_t mode_of(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
	int (*o)(const char *, int, ...) = real("open");
	va_list ap;
	mode_t mode;
	int r;

	va_start(ap, flags);
	mode = mode_of(flags, ap);
	va_end(ap);
	r = redirect_open(path, flags);
	return r != -2 ? r : o(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	int (*o)(const char *, int, ...) = real("open64");
	va_list ap;
	mode_t mode;
	int r;

	va_start(ap, flags);
	mode = mode_of(flags, ap);
	va_end(ap);
	r = redirect_open(path, flags);
	return r != -2 ? r : o(path, flags, mode);
}

static ssize_t event_read(void *buf, size_t n)
{
	ssize_t (*rd)(int, void *, size_t) = real("read");
	ssize_t r = rd(env_fd("HVUIO_EVENT_FD"), buf, n);

	if (r == 0) {
		errno = EIO;
		return -1;
	}
	return r;
}

ssize_t read(int fd, void *buf, size_t n)
{
	ssize_t (*rd)(int, void *, size_t) = real("read");

	return (fd >= 0 && fd == dev_fd) ? event_read(buf, n) : rd(fd, buf, n);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	ssize_t (*p)(int, void *, size_t, off_t) = real("pread");

	return (fd >= 0 && fd == dev_fd) ? event_read(buf, n) : p(fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	ssize_t (*p)(int, void *, size_t, off_t) = real("pread64");

	return (fd >= 0 && fd == dev_fd) ? event_read(buf, n) : p(fd, buf, n, off);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	ssize_t (*w)(int, const void *, size_t) = real("write");

	return w((fd >= 0 && fd == dev_fd) ? env_fd("HVUIO_EVENT_FD") : fd, buf, n);
}
