/* The file printer backend: each print job is appended to a file or a
 * character device and synced. A file has no status, so it is always ready.
 */
#define LOG_MODULE "printer"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../app/log.h"
#include "printer_backend.h"

struct printer_conn {
	char path[PATH_MAX];
};

/* Open path for appending. O_NONBLOCK applies to the open only: opening a
 * FIFO that has no reader would otherwise block the calling thread. */
static int file_open_append(const char *path, int *out)
{
	char text[128];
	int flags;
	int fd;

	fd = open(path,
		  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY |
			  O_NONBLOCK,
		  0600);
	if (fd < 0) {
		log_error("cannot open printer file %s: %s", path,
			  strerror_r(errno, text, sizeof(text)));
		return PRINTER_EOPEN;
	}

	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		log_error("cannot set blocking mode on printer file %s: %s",
			  path, strerror_r(errno, text, sizeof(text)));
		close(fd);
		return PRINTER_EOPEN;
	}
	*out = fd;
	return PRINTER_OK;
}

/* The folder is checked apart from the open so that the log names the
 * real cause instead of a bare "No such file or directory". */
static int file_check_folder(const char *path)
{
	char copy[PATH_MAX];
	char text[128];
	const char *folder;
	struct stat st;

	/* file_prepare has checked that path fits in PATH_MAX. */
	snprintf(copy, sizeof(copy), "%s", path);
	folder = dirname(copy);
	if (stat(folder, &st) < 0) {
		log_error("folder %s of printer file %s: %s", folder, path,
			  strerror_r(errno, text, sizeof(text)));
		return PRINTER_EOPEN;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_error("%s in printer file %s is not a folder", folder,
			  path);
		return PRINTER_EOPEN;
	}
	return PRINTER_OK;
}

static int file_prepare(const char *target, struct usb_context *usb,
			struct printer_conn **out)
{
	struct printer_conn *conn;
	size_t len = strlen(target);

	(void)usb;
	*out = NULL;
	if (len == 0 || len >= PATH_MAX) {
		log_error("printer device \"file:%.64s\" needs a path of 1 to "
			  "%d bytes",
			  target, PATH_MAX - 1);
		return PRINTER_ESPEC;
	}

	conn = calloc(1, sizeof(*conn));
	if (conn == NULL) {
		log_error("out of memory for printer file %.64s", target);
		return PRINTER_EOPEN;
	}
	memcpy(conn->path, target, len + 1);
	*out = conn;
	return PRINTER_OK;
}

/* Check that the file can be opened for appending; it stays closed. */
static int file_connect(struct printer_conn *conn)
{
	int result;
	int fd;

	result = file_check_folder(conn->path);
	if (result != PRINTER_OK)
		return result;

	result = file_open_append(conn->path, &fd);
	if (result != PRINTER_OK)
		return result;
	close(fd);
	return PRINTER_OK;
}

/* Write all of data, resuming after short writes and signals. */
static int file_write_all(int fd, const char *path, const unsigned char *data,
			  size_t len, size_t *written)
{
	char text[128];

	while (*written < len) {
		ssize_t count = write(fd, data + *written, len - *written);

		if (count < 0 && errno == EINTR)
			continue;
		if (count < 0) {
			log_error("write to printer file %s failed after %zu "
				  "of %zu bytes: %s",
				  path, *written, len,
				  strerror_r(errno, text, sizeof(text)));
			return PRINTER_EWRITE;
		}
		if (count == 0) {
			log_error("write to printer file %s stopped after %zu "
				  "of %zu bytes",
				  path, *written, len);
			return PRINTER_EWRITE;
		}
		*written += (size_t)count;
	}
	return PRINTER_OK;
}

/* Open, write, fsync and close the file for every job, so that a file an
 * operator removed or rotated is created again. A job that fails part-way
 * can leave its first bytes in the file. The next job starts with ESC @,
 * which resets any printer setting those bytes changed. The timeout does
 * not apply: a local write blocks until the kernel takes it. */
static int file_write(struct printer_conn *conn, const unsigned char *data,
		      size_t len, int timeout_ms, size_t *written)
{
	char text[128];
	int result;
	int fd;

	(void)timeout_ms;
	*written = 0;
	result = file_open_append(conn->path, &fd);
	if (result != PRINTER_OK)
		return result;

	result = file_write_all(fd, conn->path, data, len, written);
	if (result != PRINTER_OK)
		goto out;

	/* EINVAL and EROFS: the target (a character device or a pipe) has
	 * no storage to flush. */
	if (fsync(fd) < 0 && errno != EINVAL && errno != EROFS) {
		log_error("fsync of printer file %s failed: %s", conn->path,
			  strerror_r(errno, text, sizeof(text)));
		result = PRINTER_EWRITE;
	}

out:
	/* Linux closes the descriptor even when close fails with EINTR. */
	if (close(fd) < 0 && errno != EINTR && result == PRINTER_OK) {
		log_error("close of printer file %s failed: %s", conn->path,
			  strerror_r(errno, text, sizeof(text)));
		result = PRINTER_EWRITE;
	}
	return result;
}

/* No file descriptor stays open between jobs, so there is nothing to
 * drop. */
static void file_disconnect(struct printer_conn *conn)
{
	(void)conn;
}

static const char *file_describe(const struct printer_conn *conn, char *buf,
				 size_t size)
{
	snprintf(buf, size, "File %s", conn->path);
	return NULL;
}

static void file_destroy(struct printer_conn *conn)
{
	free(conn);
}

const struct printer_backend printer_file_backend = {
	.scheme = "file",
	.prepare = file_prepare,
	.connect = file_connect,
	.write = file_write,
	.read = NULL,
	.disconnect = file_disconnect,
	.matches = NULL,
	.describe = file_describe,
	.destroy = file_destroy,
};
