// SPDX-License-Identifier: GPL-2.0
/*
 * Data integrity through a virtio-blk zPCI function: write a pseudo-random
 * pattern, drop the page cache, read it back (buffered and O_DIRECT) and
 * compare checksums and bytes.
 *
 * The test overwrites the first ZPCI_BLK_MIB MiB (default 64) of the disk
 * it is given, so it needs to be given one, and told twice: ZPCI_BLK_DEV
 * names the disk (no default) and ZPCI_BLK_WRITE=yes confirms that its data
 * may be destroyed.  Even then it only writes to a whole virtio-blk disk of
 * a zPCI function that nothing uses: not mounted, no partition mounted, no
 * holder (device mapper, md), not swap, and it keeps the disk open
 * exclusively while it writes.  Otherwise every test is skipped, saying
 * why.  ZPCI_BLK_FRAMES=1: the function's group offers 1 MiB frames, and
 * the huge-buffer test must see its I/O mapped through them.
 *
 * A slow guest (KASAN, one CPU, DMA load beside it) is not a wrong result:
 * each test may take BLK_TIMEOUT seconds, not the harness's 30.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/fs.h>

#include "../../../kselftest_harness.h"

#define BLK_TIMEOUT	600

#define CHUNK (1UL << 20)

/* xorshift64*: reproducible from the printed seed. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static void fill(uint64_t *buf, size_t words, uint64_t *state)
{
	size_t i;

	for (i = 0; i < words; i++)
		buf[i] = next_rand(state);
}

/* FNV-1a over 64-bit words. */
static uint64_t checksum(uint64_t sum, const uint64_t *buf, size_t words)
{
	size_t i;

	for (i = 0; i < words; i++) {
		sum ^= buf[i];
		sum *= 0x100000001b3ULL;
	}
	return sum;
}

/* "maj:min" of block device @name (sysfs), "" if it has none. */
static void blk_devno(const char *name, char *devno, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	devno[0] = '\0';
	snprintf(path, sizeof(path), "/sys/class/block/%.64s/dev", name);
	f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(devno, len, f))
		devno[0] = '\0';
	devno[strcspn(devno, "\n")] = '\0';
	fclose(f);
}

/* Whether sysfs directory @dir has an entry (other than . and ..). */
static bool dir_has_entries(const char *dir)
{
	struct dirent *e;
	bool any = false;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while (!any && (e = readdir(d)))
		any = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return any;
}

/* Whether "maj:min" @devno is mounted (mountinfo) or a swap device. */
static bool devno_in_use(const char *devno)
{
	char line[4096], maj_min[64], path[PATH_MAX];
	bool used = false;
	struct stat st;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "r");
	if (f) {
		while (!used && fgets(line, sizeof(line), f))
			used = sscanf(line, "%*s %*s %63s", maj_min) == 1 &&
			       !strcmp(maj_min, devno);
		fclose(f);
	}
	f = fopen("/proc/swaps", "r");
	if (f) {
		while (!used && fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%4095s", path) != 1 || stat(path, &st) ||
			    !S_ISBLK(st.st_mode))
				continue;
			snprintf(maj_min, sizeof(maj_min), "%u:%u",
				 major(st.st_rdev), minor(st.st_rdev));
			used = !strcmp(maj_min, devno);
		}
		fclose(f);
	}
	return used;
}

/* Whether open @fd is the block device sysfs knows as @dev ("maj:min"). */
static bool same_device(int fd, const char *dev)
{
	const char *name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	char devno[64], have[64];
	struct stat st;

	if (fstat(fd, &st) || !S_ISBLK(st.st_mode))
		return false;
	blk_devno(name, devno, sizeof(devno));
	snprintf(have, sizeof(have), "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	return !strcmp(devno, have);
}

/*
 * Why the test must not write to @dev, NULL if it may: @dev must be a
 * whole virtio-blk disk of a zPCI function (its PCI device has the zPCI
 * function_id attribute and the virtio vendor id), and neither it nor a
 * partition of it may be mounted, swap or held by another device.
 */
static const char *blk_unsafe(const char *dev, char *why, size_t len)
{
	char path[PATH_MAX + 32], real[PATH_MAX], devno[64], vendor[16] = "";
	const char *name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	struct dirent *e;
	bool used = false;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/class/block/%s/device", name);
	if (!realpath(path, real)) {
		snprintf(why, len, "%.64s is not a disk known to sysfs", dev);
		return why;
	}
	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", name);
	if (!access(path, F_OK)) {
		snprintf(why, len, "%.64s is a partition, not a whole disk", dev);
		return why;
	}
	/* .../<pci function>/virtioN: the function is the parent */
	snprintf(path, sizeof(path), "%s/../function_id", real);
	if (access(path, F_OK)) {
		snprintf(why, len, "%.64s is not on a zPCI function", dev);
		return why;
	}
	snprintf(path, sizeof(path), "%s/../vendor", real);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(vendor, sizeof(vendor), f))
			vendor[0] = '\0';
		fclose(f);
	}
	if (strncmp(vendor, "0x1af4", 6)) {
		snprintf(why, len, "%.64s is not a virtio-blk disk", dev);
		return why;
	}
	/* the disk, then each partition (/sys/class/block/<disk>/<part>) */
	snprintf(path, sizeof(path), "/sys/class/block/%s", name);
	d = opendir(path);
	if (!d) {
		snprintf(why, len, "%.64s: %s", name, strerror(errno));
		return why;
	}
	for (e = readdir(d); e; e = readdir(d)) {
		const char *part = strcmp(e->d_name, ".") ? e->d_name : name;

		if (strcmp(e->d_name, ".") && strncmp(e->d_name, name, strlen(name)))
			continue;
		blk_devno(part, devno, sizeof(devno));
		snprintf(path, sizeof(path), "/sys/class/block/%s/holders", part);
		used = devno_in_use(devno) || dir_has_entries(path);
		if (used) {
			snprintf(why, len, "%.64s is in use (mounted, swap or held)", part);
			break;
		}
	}
	closedir(d);
	return used ? why : NULL;
}

FIXTURE(blk)
{
	const char *dev;
	size_t bytes;
	uint64_t seed;
	uint64_t written_sum;
	void *buf;
};

FIXTURE_SETUP(blk)
{
	const char *confirm = getenv("ZPCI_BLK_WRITE");
	const char *mib = getenv("ZPCI_BLK_MIB");
	unsigned long long devsize = 0;
	char why[160];
	uint64_t state;
	size_t off;
	int fd;

	self->dev = getenv("ZPCI_BLK_DEV");
	self->bytes = (mib ? strtoul(mib, NULL, 0) : 64) * CHUNK;
	if (!self->dev)
		SKIP(return,
		     "no disk named: set ZPCI_BLK_DEV=/dev/vdX (scratch zPCI virtio-blk) and ZPCI_BLK_WRITE=yes");
	if (!confirm || strcmp(confirm, "yes"))
		SKIP(return, "would overwrite %zu MiB of %s: set ZPCI_BLK_WRITE=yes to confirm",
		     self->bytes / CHUNK, self->dev);
	if (blk_unsafe(self->dev, why, sizeof(why)))
		SKIP(return, "%s: not written", why);
	if (!self->bytes)
		SKIP(return, "ZPCI_BLK_MIB=0: nothing to write");
	fd = open(self->dev, O_RDWR | O_EXCL);
	if (fd < 0)
		SKIP(return, "%s cannot be opened exclusively: %s", self->dev,
		     strerror(errno));
	if (!same_device(fd, self->dev))
		SKIP(close(fd); return, "%s opened another device than sysfs names",
		     self->dev);
	ASSERT_EQ(0, ioctl(fd, BLKGETSIZE64, &devsize));
	if (devsize < self->bytes)
		SKIP(close(fd); return, "%s has %llu bytes, the test needs %zu",
		     self->dev, devsize, self->bytes);
	ASSERT_EQ(0, posix_memalign(&self->buf, 4096, CHUNK));

	self->seed = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ 1;
	state = self->seed;
	self->written_sum = 0xcbf29ce484222325ULL;
	for (off = 0; off < self->bytes; off += CHUNK) {
		fill(self->buf, CHUNK / 8, &state);
		self->written_sum = checksum(self->written_sum, self->buf, CHUNK / 8);
		ASSERT_EQ(CHUNK, pwrite(fd, self->buf, CHUNK, off));
	}
	ASSERT_EQ(0, fsync(fd));
	ASSERT_EQ(0, close(fd));
	TH_LOG("wrote %zu MiB to %s, seed 0x%llx, checksum 0x%016llx",
	       self->bytes / CHUNK, self->dev, (unsigned long long)self->seed,
	       (unsigned long long)self->written_sum);
}

FIXTURE_TEARDOWN(blk)
{
	free(self->buf);
}

static void drop_caches(struct __test_metadata *_metadata)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(fd, "3", 1));
	close(fd);
}

/* Read back, comparing every byte against the regenerated pattern. */
static void read_back(struct __test_metadata *_metadata, const char *dev,
		      int flags, size_t bytes, uint64_t seed, uint64_t want_sum,
		      void *buf)
{
	uint64_t state = seed, sum = 0xcbf29ce484222325ULL;
	uint64_t *expect = malloc(CHUNK);
	size_t off, bad = 0;
	int fd;

	ASSERT_NE(NULL, expect);
	fd = open(dev, O_RDONLY | flags);
	ASSERT_LE(0, fd);
	for (off = 0; off < bytes; off += CHUNK) {
		ASSERT_EQ(CHUNK, pread(fd, buf, CHUNK, off));
		fill(expect, CHUNK / 8, &state);
		if (memcmp(buf, expect, CHUNK))
			bad++;
		sum = checksum(sum, buf, CHUNK / 8);
	}
	close(fd);
	free(expect);
	EXPECT_EQ(0, bad) TH_LOG("%zu of %zu MiB differ", bad, bytes / CHUNK);
	EXPECT_EQ(want_sum, sum);
}

TEST_F_TIMEOUT(blk, buffered_after_drop_caches, BLK_TIMEOUT)
{
	drop_caches(_metadata);
	read_back(_metadata, self->dev, 0, self->bytes, self->seed,
		  self->written_sum, self->buf);
}

TEST_F_TIMEOUT(blk, direct_io, BLK_TIMEOUT)
{
	read_back(_metadata, self->dev, O_DIRECT, self->bytes, self->seed,
		  self->written_sum, self->buf);
}

/*
 * The "Mapped 1M frames" counter of the zPCI function behind @dev
 * (debugfs pci/<function>/statistics); -1 when it cannot be read.
 */
static long long mapped_frames(const char *dev)
{
	char link[PATH_MAX], real[PATH_MAX], line[256];
	long long n = -1;
	FILE *f;

	/* /sys/block/vda/device is the virtio device; its parent the function */
	snprintf(link, sizeof(link), "/sys/block/%s/device/..", basename((char *)dev));
	if (!realpath(link, real))
		return -1;
	snprintf(link, sizeof(link), "/sys/kernel/debug/pci/%s/statistics", basename(real));
	f = fopen(link, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "Mapped 1M frames:"))
			n = strtoll(strchr(line, ':') + 1, NULL, 0);
	fclose(f);
	return n;
}

/* The number after @key at the start of a line of @path, or -1 */
static long long read_number(const char *path, const char *key)
{
	long long n = -1;
	char line[256];
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	while (n < 0 && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			n = strtoll(line + strlen(key), NULL, 0);
	fclose(f);
	return n;
}

/*
 * O_DIRECT both ways through a 1 MiB-aligned buffer: the fixture's data
 * read into it (the device writes), then a new pattern written from it
 * (the device reads) and read back through the page cache.  With a
 * transparent huge page behind it (a 1 MiB segment on s390, needs
 * EDAT-1) each 1 MiB request is one physically contiguous, aligned
 * segment, which the IOMMU maps with one 1 MiB frame when the function's
 * group offers them: ZPCI_BLK_FRAMES=1 asks for that to be checked, and
 * skips the test when the guest has no huge page to give.
 */
TEST_F_TIMEOUT(blk, direct_io_both_ways_1m_buffer, BLK_TIMEOUT)
{
	const char *want = getenv("ZPCI_BLK_FRAMES");
	bool frames = want && !strcmp(want, "1");
	long long before, after, huge_kb;
	uint64_t state, sum;
	size_t off;
	char *map;
	void *buf;
	int fd;

	map = mmap(NULL, 2 * CHUNK, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	buf = (void *)(((uintptr_t)map + CHUNK - 1) & ~(CHUNK - 1));
	/* fails without CONFIG_TRANSPARENT_HUGEPAGE: then no huge page */
	madvise(buf, CHUNK, MADV_HUGEPAGE);
	memset(buf, 0, CHUNK);
	huge_kb = read_number("/proc/self/smaps_rollup", "AnonHugePages:");
	if (frames && huge_kb < (long long)(CHUNK >> 10)) {
		munmap(map, 2 * CHUNK);
		SKIP(return,
		     "no huge page (AnonHugePages %lld kB): the CPU lacks EDAT-1 (QEMU TCG)",
		     huge_kb);
	}
	before = mapped_frames(self->dev);

	/* device -> memory */
	read_back(_metadata, self->dev, O_DIRECT, self->bytes, self->seed,
		  self->written_sum, buf);

	/* memory -> device, checked through the page cache */
	state = self->seed ^ 0x5a5a5a5a5a5a5a5aULL;
	sum = 0xcbf29ce484222325ULL;
	fd = open(self->dev, O_WRONLY | O_DIRECT | O_EXCL);
	ASSERT_LE(0, fd);
	for (off = 0; off < self->bytes; off += CHUNK) {
		fill(buf, CHUNK / 8, &state);
		sum = checksum(sum, buf, CHUNK / 8);
		ASSERT_EQ(CHUNK, pwrite(fd, buf, CHUNK, off));
	}
	ASSERT_EQ(0, fsync(fd));
	close(fd);
	after = mapped_frames(self->dev);
	drop_caches(_metadata);
	read_back(_metadata, self->dev, 0, self->bytes,
		  self->seed ^ 0x5a5a5a5a5a5a5a5aULL, sum, self->buf);
	munmap(map, 2 * CHUNK);

	TH_LOG("huge page: %s; 1 MiB frames mapped for %s during the test: %lld (%lld -> %lld)",
	       huge_kb >= (long long)(CHUNK >> 10) ? "yes" : "no",
	       self->dev, after - before, before, after);
	if (frames) {
		ASSERT_LE(0, before) TH_LOG("no pci/<function>/statistics in debugfs");
		/* at least one frame per MiB moved in each direction */
		EXPECT_LE((long long)(2 * self->bytes / CHUNK), after - before);
	}
}

TEST_HARNESS_MAIN
