/* Printer backends behind one interface. This version has the file backend,
 * which appends each print job to a file or a character device. */
#define LOG_MODULE "printer"

#include "printer.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../app/log.h"
#include "escpos.h"

/* One kind of printer, chosen by the prefix of the device setting. */
struct printer_backend {
	const char *prefix; /* e.g. "file:"; the rest is the target */

	/* Called once by printer_open with the target. Returns PRINTER_OK
	 * when the device can be written, else a negative printer_error. */
	int (*check)(const char *target);

	/* Called for each print job (never empty, at most ESCPOS_JOB_MAX
	 * bytes). Returns PRINTER_OK once the whole job is written. */
	int (*write_job)(const char *target, const unsigned char *data,
			 size_t len);
};

/* A printer is used by one thread at a time. */
struct printer {
	const struct printer_backend *backend; /* NULL: no printer */
	enum printer_state state;
	char target[];                         /* setting without prefix */
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

	/* printer_open has checked that path fits in PATH_MAX. */
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

static int file_check(const char *path)
{
	int result;
	int fd;

	result = file_check_folder(path);
	if (result != PRINTER_OK)
		return result;

	result = file_open_append(path, &fd);
	if (result != PRINTER_OK)
		return result;
	close(fd);
	return PRINTER_OK;
}

/* Write all of data, resuming after short writes and signals. */
static int file_write_all(int fd, const char *path, const unsigned char *data,
			  size_t len)
{
	char text[128];
	size_t done = 0;

	while (done < len) {
		ssize_t written = write(fd, data + done, len - done);

		if (written < 0 && errno == EINTR)
			continue;
		if (written < 0) {
			log_error("write to printer file %s failed after %zu "
				  "of %zu bytes: %s",
				  path, done, len,
				  strerror_r(errno, text, sizeof(text)));
			return PRINTER_EWRITE;
		}
		if (written == 0) {
			log_error("write to printer file %s stopped after %zu "
				  "of %zu bytes",
				  path, done, len);
			return PRINTER_EWRITE;
		}
		done += (size_t)written;
	}
	return PRINTER_OK;
}

/* Open, write, fsync and close the file for every job, so that a file an
 * operator removed or rotated is created again. A job that fails part-way
 * can leave its first bytes in the file. The next job starts with ESC @,
 * which resets any printer setting those bytes changed. */
static int file_write_job(const char *path, const unsigned char *data,
			  size_t len)
{
	char text[128];
	int result;
	int fd;

	result = file_open_append(path, &fd);
	if (result != PRINTER_OK)
		return result;

	result = file_write_all(fd, path, data, len);
	if (result != PRINTER_OK)
		goto out;

	/* EINVAL and EROFS: the target (a character device or a pipe) has
	 * no storage to flush. */
	if (fsync(fd) < 0 && errno != EINVAL && errno != EROFS) {
		log_error("fsync of printer file %s failed: %s", path,
			  strerror_r(errno, text, sizeof(text)));
		result = PRINTER_EWRITE;
	}

out:
	/* Linux closes the descriptor even when close fails with EINTR. */
	if (close(fd) < 0 && errno != EINTR && result == PRINTER_OK) {
		log_error("close of printer file %s failed: %s", path,
			  strerror_r(errno, text, sizeof(text)));
		result = PRINTER_EWRITE;
	}
	return result;
}

static const struct printer_backend printer_backends[] = {
	{
		.prefix = "file:",
		.check = file_check,
		.write_job = file_write_job,
	},
};

static const struct printer_backend *printer_find_backend(const char *spec)
{
	size_t count = sizeof(printer_backends) / sizeof(printer_backends[0]);

	for (size_t i = 0; i < count; i++) {
		const char *prefix = printer_backends[i].prefix;

		if (strncmp(spec, prefix, strlen(prefix)) == 0)
			return &printer_backends[i];
	}
	return NULL;
}

int printer_open(const char *spec, struct printer **out)
{
	const struct printer_backend *backend = NULL;
	const char *target = "";
	struct printer *printer;
	size_t len;
	int result;

	*out = NULL;
	if (spec == NULL)
		spec = "";

	if (spec[0] != '\0' && strcmp(spec, "none") != 0) {
		backend = printer_find_backend(spec);
		if (backend == NULL) {
			log_error("printer device \"%.64s\" is not supported "
				  "in this version; use file:PATH or none "
				  "(USB and TCP printers come later)",
				  spec);
			return PRINTER_ESPEC;
		}
		target = spec + strlen(backend->prefix);
	}

	len = strlen(target);
	if (backend != NULL && (len == 0 || len >= PATH_MAX)) {
		log_error("printer device \"%.64s\" needs a path of 1 to %d "
			  "bytes after \"%s\"",
			  spec, PATH_MAX - 1, backend->prefix);
		return PRINTER_ESPEC;
	}

	if (backend != NULL) {
		result = backend->check(target);
		if (result != PRINTER_OK)
			return result;
	}

	printer = calloc(1, sizeof(*printer) + len + 1);
	if (printer == NULL) {
		log_error("out of memory for printer %.64s", spec);
		return PRINTER_EOPEN;
	}
	printer->backend = backend;
	printer->state = backend != NULL ? PRINTER_STATE_READY
					 : PRINTER_STATE_NONE;
	memcpy(printer->target, target, len + 1);

	if (backend != NULL)
		log_info("printer opened: %.64s", spec);
	else
		log_info("no printer configured");
	*out = printer;
	return PRINTER_OK;
}

int printer_write_job(struct printer *printer, const unsigned char *data,
		      size_t len)
{
	int result;

	if (printer == NULL || data == NULL || len == 0 ||
	    len > ESCPOS_JOB_MAX)
		return PRINTER_EINVAL;

	if (printer->backend == NULL) {
		log_warn("no printer configured; print job of %zu bytes "
			 "not printed",
			 len);
		return PRINTER_EOPEN;
	}

	result = printer->backend->write_job(printer->target, data, len);
	printer->state = result == PRINTER_OK ? PRINTER_STATE_READY
					      : PRINTER_STATE_ERROR;
	if (result == PRINTER_OK)
		log_debug("print job of %zu bytes written", len);
	return result;
}

enum printer_state printer_get_state(const struct printer *printer)
{
	return printer != NULL ? printer->state : PRINTER_STATE_NONE;
}

const char *printer_state_name(enum printer_state state)
{
	switch (state) {
	case PRINTER_STATE_READY:
		return "ready";
	case PRINTER_STATE_ERROR:
		return "error";
	case PRINTER_STATE_NONE:
		return "none";
	}
	return "unknown";
}

void printer_close(struct printer *printer)
{
	free(printer);
}

const char *printer_strerror(int error)
{
	switch (error) {
	case PRINTER_OK:
		return "No error";
	case PRINTER_ESPEC:
		return "Printer setting not supported in this version; set "
		       "[printer] device to file:PATH or none";
	case PRINTER_EOPEN:
		return "No printer, or its file or folder cannot be opened: "
		       "check [printer] device";
	case PRINTER_EWRITE:
		return "Printer file write failed: check disk space, then "
		       "print again";
	case PRINTER_EINVAL:
		return "Print job is empty or larger than 256 KiB";
	default:
		return "Unknown printer error";
	}
}
