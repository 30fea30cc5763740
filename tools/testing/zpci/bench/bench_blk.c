// SPDX-License-Identifier: GPL-2.0
/*
 * bench_blk: sequential O_DIRECT write and read throughput of a block
 * device, for make bench.
 *
 *   bench_blk DEVICE MIB BLOCK_BYTES
 *
 * Writes MIB MiB from offset 0 in requests of BLOCK_BYTES (then
 * fdatasync), reads them back the same way and prints per direction:
 *
 *   @@BENCH blk op=write|read bs=B bytes=N ns=T [counter=delta ...]
 *
 * with the zPCI instruction counts of count-intercepts.patch.  Every block
 * read must carry the stamp it was written with; a mismatch or an I/O
 * error exits with 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_counters.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Every block carries its number in its first and last 8 bytes, over a
 * fixed pattern: cheap enough not to weigh on the timing, enough to tell
 * a block read from the wrong place or not written at all.
 */
static void stamp(unsigned char *buf, size_t bs, unsigned long long i)
{
	memcpy(buf, &i, 8);
	memcpy(buf + bs - 8, &i, 8);
}

static int stamped(const unsigned char *buf, size_t bs, unsigned long long i)
{
	return !memcmp(buf, &i, 8) && !memcmp(buf + bs - 8, &i, 8);
}

static int pass(int fd, int write_op, unsigned char *buf, size_t bs,
		unsigned long long bytes)
{
	struct bench_counters before, after;
	unsigned long long off;
	long long start, ns;
	ssize_t n;

	bench_counters_read(&before);
	start = now_ns();
	for (off = 0; off < bytes; off += bs) {
		if (write_op) {
			stamp(buf, bs, off / bs);
			n = pwrite(fd, buf, bs, off);
		} else {
			n = pread(fd, buf, bs, off);
		}
		if (n != (ssize_t)bs) {
			fprintf(stderr, "bench_blk: %s at %llu: %s\n",
				write_op ? "write" : "read", off,
				n < 0 ? strerror(errno) : "short");
			return 1;
		}
		if (!write_op && !stamped(buf, bs, off / bs)) {
			fprintf(stderr, "bench_blk: block at %llu is not the one written\n",
				off);
			return 1;
		}
	}
	if (write_op && fdatasync(fd)) {
		perror("bench_blk: fdatasync");
		return 1;
	}
	ns = now_ns() - start;
	bench_counters_read(&after);
	printf("@@BENCH blk op=%s bs=%zu bytes=%llu ns=%lld",
	       write_op ? "write" : "read", bs, bytes, ns);
	bench_counters_delta(stdout, &before, &after);
	printf("\n");
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned char *buf;
	unsigned long long bytes;
	size_t bs;
	int fd, rc;

	if (argc != 4) {
		fprintf(stderr, "usage: bench_blk DEVICE MIB BLOCK_BYTES\n");
		return 2;
	}
	bytes = strtoull(argv[2], NULL, 0) << 20;
	bs = strtoul(argv[3], NULL, 0);
	if (!bs || bs % 4096 || bytes % bs) {
		fprintf(stderr, "bench_blk: BLOCK_BYTES must be a multiple of 4096 dividing MIB\n");
		return 2;
	}
	if (posix_memalign((void **)&buf, 4096, bs)) {
		fprintf(stderr, "bench_blk: out of memory\n");
		return 1;
	}
	memset(buf, 0xa5, bs);
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "bench_blk: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	rc = pass(fd, 1, buf, bs, bytes) || pass(fd, 0, buf, bs, bytes);
	close(fd);
	free(buf);
	return rc;
}
