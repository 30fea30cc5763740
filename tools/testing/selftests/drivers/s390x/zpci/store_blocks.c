// SPDX-License-Identifier: GPL-2.0
/*
 * Copies to and from BAR space through the kernel's zpci_memcpy_toio() and
 * zpci_memcpy_fromio() (debugfs pci/bar_copy, testing only): data written
 * to a RAM-like BAR region reads back unchanged, and the function's store
 * counters, as bar_copy reports them for each copy, show that no store
 * block exceeded the function's maxstbl in effect or crossed a 4 KiB
 * boundary of the PCI address, with the number of blocks expected.
 *
 * The function: ZPCI_STORE_FID, else the first virtio-pci function
 * (vendor 0x1af4) that no driver claims: nothing uses it, and it is left
 * without a driver.  Its RAM-like region is then the MSI-X table, found in
 * its PCI configuration space (MSI-X is off without a driver), and the
 * copies across 4 KiB go to BAR 4, virtio-pci's modern capabilities, when
 * it spans 16 KiB.  Without either the test skips.
 *
 * Environment (optional):
 *   ZPCI_STORE_FID       function to use; it is unbound from its driver
 *   ZPCI_STORE_RAM_BAR   BAR with a RAM-like region at offset 0 (default 1:
 *                        the MSI-X table of a virtio-pci function)
 *   ZPCI_STORE_RAM_LEN   length of that region (16 bytes per MSI-X vector)
 *   ZPCI_STORE_CROSS_BAR BAR of at least 16 KiB for copies across 4 KiB
 *                        (default 4: the virtio-pci modern capabilities)
 *
 * QEMU 7.2 under TCG on a little-endian host stores each 8-byte word of a
 * PCI STORE BLOCK byte-reversed (single PCI stores are right).  The setup
 * probes for this emulator quirk; when present, a word of an aligned copy
 * may read back exact or byte-reversed, and the quirk is logged.  Copies
 * made of single stores are always compared exactly.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../../kselftest_harness.h"
#include "zpci_sysfs.h"

#define DEBUGFS_PCI "/sys/kernel/debug/pci"
#define MAX_COPY 4096
/* copies across 4 KiB go up to offset 0x3037 of the cross BAR */
#define CROSS_BAR_MIN 0x4000
#define PCI_CAP_LIST 0x34
#define PCI_CAP_ID_MSIX 0x11
#define NO_RAM_REGION "no RAM-like region: no MSI-X table at offset 0, ZPCI_STORE_RAM_LEN not set"

struct counters {
	long long maxstbl, single_stores, block_stores, bytes_stored;
	long long largest_block, blocks_crossing, loads;
};

static long long field(const char *res, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(res, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

static void parse_counters(const char *res, struct counters *c)
{
	c->maxstbl = field(res, "maxstbl");
	c->single_stores = field(res, "single_stores");
	c->block_stores = field(res, "block_stores");
	c->bytes_stored = field(res, "bytes_stored");
	c->largest_block = field(res, "largest_block");
	c->blocks_crossing = field(res, "blocks_crossing_4k");
	c->loads = field(res, "loads");
}

static void to_hex(char *out, const unsigned char *in, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

FIXTURE(store)
{
	unsigned long long fid;
	char bdf[256];
	int fd;
	unsigned long long maxstbl;
	int ram_bar, cross_bar;
	bool cross_ok;		/* the cross BAR spans CROSS_BAR_MIN */
	bool free;		/* taken without a driver: left so */
	bool pcistb_swaps;	/* emulator quirk: block words byte-reversed */
	bool probed;		/* pcistb_swaps is known */
	size_t ram_len;
	char *cmd, *res;
};

static int bar_copy(struct __test_metadata *_metadata, FIXTURE_DATA(store) *self,
		    struct counters *c, unsigned char *data, size_t len);

/* One 16-byte block of 00..0f at the RAM region: read back as written? */
static void probe_pcistb_order(struct __test_metadata *_metadata,
			       FIXTURE_DATA(store) *self)
{
	static const unsigned char swapped[16] = {
		7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8 };
	unsigned char in[16];
	struct counters c;

	sprintf(self->cmd, "to %llx %d 0 0 000102030405060708090a0b0c0d0e0f",
		self->fid, self->ram_bar);
	ASSERT_EQ(0, bar_copy(_metadata, self, &c, NULL, 0));
	ASSERT_EQ(1, c.block_stores);
	sprintf(self->cmd, "from %llx %d 0 0 16", self->fid, self->ram_bar);
	ASSERT_EQ(0, bar_copy(_metadata, self, &c, in, sizeof(in)));
	self->pcistb_swaps = !memcmp(in, swapped, sizeof(in));
	if (self->pcistb_swaps)
		TH_LOG("emulator quirk: PCISTB words land byte-reversed (QEMU TCG, LE host)");
}

/* Compare what was written with what was read, 8-byte word by word. */
static bool same_data(const unsigned char *out, const unsigned char *in,
		      size_t len, bool allow_swap)
{
	size_t i, j;

	for (i = 0; i < len; i += 8) {
		size_t n = len - i < 8 ? len - i : 8;
		bool rev = allow_swap && n == 8;

		if (!memcmp(out + i, in + i, n))
			continue;
		for (j = 0; rev && j < 8; j++)
			rev = out[i + j] == in[i + 7 - j];
		if (!rev)
			return false;
	}
	return true;
}

/*
 * The MSI-X table of @bdf from its configuration space: its BAR and length
 * when it starts at offset 0 of that BAR (the RAM-like region the copies
 * use); -ENOENT otherwise.
 */
static int msix_table(const char *bdf, int *bar, size_t *len)
{
	unsigned char cfg[256];
	char path[512];
	int fd, n, pos, i;
	unsigned int tbl;

	snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/config", bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, cfg, sizeof(cfg));
	close(fd);
	if (n < (int)sizeof(cfg))
		return -EIO;
	pos = cfg[PCI_CAP_LIST] & ~3;
	for (i = 0; pos >= 0x40 && pos < 0xfc && i < 48; i++) {
		if (cfg[pos] == PCI_CAP_ID_MSIX) {
			tbl = cfg[pos + 4] | cfg[pos + 5] << 8 | cfg[pos + 6] << 16 |
			      (unsigned int)cfg[pos + 7] << 24;
			if (tbl & ~7U)
				return -ENOENT;
			*bar = tbl & 7;
			*len = 16 * (((cfg[pos + 2] | cfg[pos + 3] << 8) & 0x7ff) + 1);
			return 0;
		}
		pos = cfg[pos + 1] & ~3;
	}
	return -ENOENT;
}

/* Size of BAR @bar of @bdf from its resource file, 0 when unused. */
static unsigned long long bar_size(const char *bdf, int bar)
{
	unsigned long long start, end, flags;
	char path[512];
	FILE *f;
	int i, ok = 0;

	snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/resource", bdf);
	f = fopen(path, "r");
	if (!f)
		return 0;
	for (i = 0; i <= bar; i++)
		ok = fscanf(f, "%llx %llx %llx", &start, &end, &flags) == 3;
	fclose(f);
	return ok && end > start ? end - start + 1 : 0;
}

/*
 * The function and its regions when none is named: a free virtio-pci
 * function, its MSI-X table and BAR 4.  Returns the reason to skip, or NULL.
 */
static const char *find_store_function(FIXTURE_DATA(store) *self)
{
	if (zpci_find_free(ZPCI_VIRTIO_VENDOR, self->bdf, sizeof(self->bdf)))
		return "no virtio-pci function without a driver: name one with ZPCI_STORE_FID";
	if (zpci_read_ulong(self->bdf, "function_id", &self->fid))
		return "function_id unreadable";
	if (msix_table(self->bdf, &self->ram_bar, &self->ram_len))
		self->ram_len = 0;
	self->cross_bar = 4;
	self->cross_ok = bar_size(self->bdf, self->cross_bar) >= CROSS_BAR_MIN;
	self->free = true;
	return NULL;
}

FIXTURE_SETUP(store)
{
	const char *fid = getenv("ZPCI_STORE_FID");
	const char *why;
	char path[512];
	int fd;

	self->fd = -1;
	self->cmd = malloc(2 * MAX_COPY + 128);
	self->res = malloc(2 * MAX_COPY + 128);
	ASSERT_NE(NULL, self->cmd);
	ASSERT_NE(NULL, self->res);
	if (fid) {
		self->fid = strtoull(fid, NULL, 16);
		ASSERT_EQ(0, zpci_find_by_fid(self->fid, self->bdf, sizeof(self->bdf)));
		self->ram_bar = atoi(getenv("ZPCI_STORE_RAM_BAR") ?: "1");
		self->ram_len = strtoul(getenv("ZPCI_STORE_RAM_LEN") ?: "0", NULL, 0);
		self->cross_bar = atoi(getenv("ZPCI_STORE_CROSS_BAR") ?: "4");
		self->cross_ok = true;
	} else {
		why = find_store_function(self);
		if (why) {
			self->bdf[0] = '\0';
			SKIP(return, "%s", why);
		}
	}
	if (zpci_read_ulong(self->bdf, "clp/maxstbl", &self->maxstbl)) {
		self->bdf[0] = '\0';
		SKIP(return, "no clp/maxstbl (a kernel without the clp/ attributes)");
	}

	/* Before the unbinding: a skip leaves the function as it was. */
	snprintf(path, sizeof(path), DEBUGFS_PCI "/bar_copy");
	self->fd = open(path, O_RDWR);
	if (self->fd < 0)
		SKIP(return, "%s missing: build with CONFIG_ZPCI_BAR_COPY_TEST=y", path);
	/* Unbind the driver: bar_copy works only on an unbound function. */
	snprintf(path, sizeof(path), ZPCI_PCI_DEVICES "/%s/driver/unbind", self->bdf);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		ASSERT_EQ((ssize_t)strlen(self->bdf), write(fd, self->bdf, strlen(self->bdf)));
		close(fd);
	}
	TH_LOG("function %s, maxstbl %llu, RAM-like BAR %d: %zu bytes, cross BAR %d",
	       self->bdf, self->maxstbl, self->ram_bar, self->ram_len, self->cross_bar);
}

FIXTURE_TEARDOWN(store)
{
	int fd;

	if (self->fd >= 0)
		close(self->fd);
	/* Give the function back to its driver (none: it had none). */
	fd = self->bdf[0] && !self->free ? open("/sys/bus/pci/drivers_probe", O_WRONLY) : -1;
	if (fd >= 0) {
		if (write(fd, self->bdf, strlen(self->bdf)) < 0)
			TH_LOG("could not rebind %s", self->bdf);
		close(fd);
	}
	free(self->cmd);
	free(self->res);
}

/*
 * Run one bar_copy command; returns the kernel's rc, what the copy issued in
 * @c and the data read (if any) in @data.
 */
static int bar_copy(struct __test_metadata *_metadata, FIXTURE_DATA(store) *self,
		    struct counters *c, unsigned char *data, size_t len)
{
	char *p;
	ssize_t n;
	int rc;

	ASSERT_EQ((ssize_t)strlen(self->cmd), write(self->fd, self->cmd, strlen(self->cmd)));
	n = pread(self->fd, self->res, 2 * MAX_COPY + 127, 0);
	ASSERT_LT(0, n);
	self->res[n] = '\0';
	ASSERT_EQ(1, sscanf(self->res, "rc=%d", &rc));
	parse_counters(self->res, c);
	p = strstr(self->res, "data=");
	if (data && p) {
		size_t i;

		for (i = 0; i < len; i++) {
			unsigned int b;

			ASSERT_EQ(1, sscanf(p + 5 + 2 * i, "%2x", &b));
			data[i] = b;
		}
	}
	return rc;
}

/* Write @len random bytes at @off (memory misaligned by @memoff), read back. */
static void roundtrip(struct __test_metadata *_metadata, FIXTURE_DATA(store) *self,
		      unsigned long off, size_t len, unsigned int memoff,
		      struct counters *c)
{
	unsigned char out[MAX_COPY], in[MAX_COPY];
	struct counters r;
	size_t i;
	int n;

	/* In a test, not the setup: a failure here still runs the teardown. */
	if (!self->probed && self->ram_len >= 16 && self->maxstbl >= 16)
		probe_pcistb_order(_metadata, self);
	self->probed = true;
	for (i = 0; i < len; i++)
		out[i] = random();
	n = sprintf(self->cmd, "to %llx %d %lx %u ", self->fid, self->ram_bar,
		    off, memoff);
	to_hex(self->cmd + n, out, len);
	ASSERT_EQ(0, bar_copy(_metadata, self, c, NULL, 0));
	sprintf(self->cmd, "from %llx %d %lx %u %zu", self->fid, self->ram_bar,
		off, memoff, len);
	ASSERT_EQ(0, bar_copy(_metadata, self, &r, in, len));
	EXPECT_TRUE(same_data(out, in, len, self->pcistb_swaps && c->block_stores))
		TH_LOG("data differ: offset 0x%lx len %zu memoff %u", off, len, memoff);
	EXPECT_EQ((long long)self->maxstbl, c->maxstbl);
	EXPECT_EQ((long long)len, c->bytes_stored);
	EXPECT_LE(c->largest_block, (long long)self->maxstbl);
	EXPECT_EQ(0, c->blocks_crossing);
	/* Loads are single: at least one per 8 bytes. */
	EXPECT_LE((long long)(len + 7) / 8, r.loads);
}

/* Aligned copies: blocks of maxstbl, the rest in one block or one 8-byte store. */
TEST_F(store, aligned_copies_use_maxstbl_blocks)
{
	static const size_t lens[] = { 8, 16, 24, 64, 120, 128, 136, 256, 512, 1000, 1024 };
	static const unsigned long offs[] = { 0, 8, 64 };
	bool blocks = self->maxstbl > 8;
	struct counters d;
	int i, j;

	if (!self->ram_len)
		SKIP(return, NO_RAM_REGION);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		for (j = 0; j < ARRAY_SIZE(offs); j++) {
			size_t len = lens[i], rem;
			long long want_blocks, want_singles;

			if (offs[j] + len > self->ram_len)
				continue;
			roundtrip(_metadata, self, offs[j], len, 0, &d);
			if (blocks) {
				rem = len % self->maxstbl;
				want_blocks = len / self->maxstbl + (rem > 8);
				want_singles = rem == 8;
			} else {
				want_blocks = 0;
				want_singles = len / 8;
			}
			EXPECT_EQ(want_blocks, d.block_stores)
				TH_LOG("len %zu off %lu", len, offs[j]);
			EXPECT_EQ(want_singles, d.single_stores)
				TH_LOG("len %zu off %lu", len, offs[j]);
		}
	}
}

/* Memory side misaligned: no block, 8-byte single stores. */
TEST_F(store, misaligned_memory_uses_single_stores)
{
	struct counters d;

	if (!self->ram_len)
		SKIP(return, NO_RAM_REGION);
	roundtrip(_metadata, self, 0, 64, 4, &d);
	EXPECT_EQ(0, d.block_stores);
	EXPECT_EQ(8, d.single_stores);
}

/* PCI side 4-byte aligned: 4, 8, ..., 4 byte single stores. */
TEST_F(store, misaligned_pci_address_uses_aligned_singles)
{
	struct counters d;

	if (!self->ram_len)
		SKIP(return, NO_RAM_REGION);
	roundtrip(_metadata, self, 4, 24, 0, &d);
	EXPECT_EQ(0, d.block_stores);
	EXPECT_EQ(4, d.single_stores);
}

/*
 * 64 bytes whose PCI range crosses 4 KiB (the base returned -ENXIO here,
 * QEMU raising a specification exception): the copy succeeds, no block
 * crosses.
 */
TEST_F(store, copy_across_4k_pci_boundary)
{
	static const unsigned long offs[] = { 0x2fe0, 0x2ff8, 0x2fc0 };
	unsigned char zero[64] = {};
	struct counters c;
	int i, n;

	if (!self->cross_ok)
		SKIP(return, "BAR %d smaller than 16 KiB: name a function with ZPCI_STORE_FID",
		     self->cross_bar);
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		n = sprintf(self->cmd, "to %llx %d %lx 0 ", self->fid,
			    self->cross_bar, offs[i]);
		to_hex(self->cmd + n, zero, sizeof(zero));
		EXPECT_EQ(0, bar_copy(_metadata, self, &c, NULL, 0))
			TH_LOG("64-byte copy at BAR %d offset 0x%lx", self->cross_bar, offs[i]);
		EXPECT_EQ(64, c.bytes_stored);
		EXPECT_EQ(0, c.blocks_crossing);
		EXPECT_LE(c.largest_block, (long long)self->maxstbl);
		TH_LOG("offset 0x%lx: %lld blocks, %lld single stores",
		       offs[i], c.block_stores, c.single_stores);
	}
}

/*
 * An offset at or past the BAR's end is refused, also one so large that
 * offset + length wraps around, and a read that would end past it; a read
 * that ends at the BAR's end is done (reads: on a kernel that lets one
 * through, nothing is written).
 */
TEST_F(store, offset_past_bar_end_refused)
{
	unsigned long long size = bar_size(self->bdf, self->cross_bar);
	const struct {
		unsigned long long off;
		int rc;
	} c64[] = {
		{ size - 64, 0 }, { size - 8, -EINVAL }, { size, -EINVAL },
		{ size + 64, -EINVAL }, { -16ULL, -EINVAL }, { -64ULL, -EINVAL },
	};
	struct counters c;
	int i;

	if (size < 64)
		SKIP(return, "BAR %d of %s smaller than 64 bytes", self->cross_bar, self->bdf);
	for (i = 0; i < ARRAY_SIZE(c64); i++) {
		sprintf(self->cmd, "from %llx %d %llx 0 64", self->fid,
			self->cross_bar, c64[i].off);
		EXPECT_EQ(c64[i].rc, bar_copy(_metadata, self, &c, NULL, 0))
			TH_LOG("64-byte read at BAR %d offset 0x%llx", self->cross_bar, c64[i].off);
		/* a done read issued its 8 loads, a refused one none */
		EXPECT_EQ(!c64[i].rc, c.loads >= 64 / 8);
		EXPECT_TRUE(!c64[i].rc || !c.loads);
	}
}

TEST_HARNESS_MAIN
