/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run --output-log: whatever bytes a container writes, in whatever pieces, on either stream,
 * every line of the log (rotated every few records) is one JSON object with the three string
 * members of Docker's json-file format, and no secret's value is in it.
 */
#include "fuzz.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "libcontainer/error.h"
#include "libcontainer/json.h"
#include "libcontainer/output_log.h"

#define SECRET "s3cr3t"

static void check_record(const char *line, size_t len)
{
	static const char *const keys[] = {"log", "stream", "time"};
	struct hr_diags diags = {0};
	yajl_val root = hr_json_parse(line, len, "output.log", &diags);

	if (root == NULL || !YAJL_IS_OBJECT(root) || root->u.object.len != 3) {
		fprintf(stderr, "not a record: %.*s\n", (int)len, line);
		abort();
	}
	for (size_t i = 0; i < 3; i++) {
		yajl_val v = hr_json_member(root, keys[i]);

		if (v == NULL || !YAJL_IS_STRING(v))
			abort();
	}
	if (memmem(line, len, SECRET, sizeof(SECRET) - 1) != NULL)
		abort();
	yajl_tree_free(root);
	hr_diags_free(&diags);
}

static void check_file(int dirfd, const char *name)
{
	static char buf[1 << 20];
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	char *line, *nl;

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		abort();
	for (line = buf; line < buf + n; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(buf + n - line));
		if (nl == NULL)
			abort(); /* every record ends with a newline */
		check_record(line, (size_t)(nl - line));
	}
	unlinkat(dirfd, name, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[] = "/tmp/hr-fuzz-outputlog-XXXXXX";
	static int dirfd = -1;
	static struct hr_output_log log;
	char *env[] = {"API_TOKEN=" SECRET, "PLAIN=visible"};
	struct hr_output_log_opts opts = {.enabled = true, .max_size = 4096, .max_files = 2};
	struct hr_err err;
	size_t i = 0;

	if (dirfd < 0 &&
	    (mkdtemp(dir) == NULL || (dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0))
		abort();
	if (hr_output_log_open(&log, dirfd, &opts, env, 2, &err) < 0)
		abort();
	/* each piece: a byte (the stream in its top bit, the length in the others), then that */
	while (i < size) {
		uint8_t c = data[i++];
		size_t n = (size_t)(c & 0x7f) < size - i ? (size_t)(c & 0x7f) : size - i;

		hr_output_log_write(&log, c >> 7 ? HR_OUTPUT_STDERR : HR_OUTPUT_STDOUT,
				    (const char *)data + i, n);
		i += n;
	}
	hr_output_log_close(&log);
	check_file(dirfd, "output.log.1");
	check_file(dirfd, "output.log");
	return 0;
}
