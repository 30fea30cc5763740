// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the splitting of zPCI BAR copies into PCI loads and
 * stores (asm/pci_store.h) and for the counting of the stores.  Every
 * store of every split copy is checked against every rule, over lengths
 * 1..8192 at PCI offsets around 4 KiB boundaries, for valid and invalid
 * maximum store-block lengths.
 */
#include <kunit/test.h>
#include <linux/array_size.h>
#include <linux/bits.h>
#include <linux/list.h>
#include <linux/math.h>
#include <linux/pci.h>
#include <asm/pci.h>
#include <asm/pci_io.h>
#include <asm/pci_store.h>

#define MAX_LEN		8192UL
/* Lengths at which an all-single-store split is checked; it repeats every 8 bytes. */
#define SINGLES_LEN	256UL

struct split_case {
	const char *desc;
	unsigned int maxstbl;
	bool blocks;		/* expected: block stores allowed */
};

static const struct split_case split_cases[] = {
	{ .desc = "maxstbl 16", .maxstbl = 16, .blocks = true },
	{ .desc = "maxstbl 64", .maxstbl = 64, .blocks = true },
	{ .desc = "maxstbl 128 (QEMU emulated group)", .maxstbl = 128, .blocks = true },
	{ .desc = "maxstbl 256", .maxstbl = 256, .blocks = true },
	{ .desc = "maxstbl 4096", .maxstbl = 4096, .blocks = true },
	{ .desc = "maxstbl 0 (invalid)", .maxstbl = 0, .blocks = false },
	{ .desc = "maxstbl 7 (invalid)", .maxstbl = 7, .blocks = false },
	{ .desc = "maxstbl 8 (no block possible)", .maxstbl = 8, .blocks = false },
	{ .desc = "maxstbl 12 (not a multiple of 8)", .maxstbl = 12, .blocks = false },
	{ .desc = "maxstbl 4104 (above 4 KiB)", .maxstbl = 4104, .blocks = true },
	{ .desc = "maxstbl 8192 (above 4 KiB)", .maxstbl = 8192, .blocks = true },
};

KUNIT_ARRAY_PARAM_DESC(split, split_cases, desc);

/* PCI offsets of the first store: aligned, unaligned, around 4 KiB boundaries. */
static const u64 pci_starts[] = {
	0x0, 0x3, 0x8, 0x2f00, 0x2fc0, 0x2fe0, 0x2ff8, 0x2ffc, 0x2fff,
	0x3000 - 120, 0x1ff0,
};

/* Memory addresses of the source: 8-byte aligned and not. */
static const u64 mem_starts[] = { 0x10000, 0x10004, 0x10001 };

struct split_stats {
	unsigned long copies, stores, blocks, violations;
};

static void report(struct kunit *test, struct split_stats *st, const char *rule,
		   unsigned int maxstbl, u64 pci0, u64 mem0, unsigned long len,
		   u64 pci, unsigned long size)
{
	if (st->violations++ < 8)
		KUNIT_FAIL(test,
			   "%s: maxstbl %u copy pci 0x%llx mem 0x%llx len %lu: store at pci 0x%llx size %lu",
			   rule, maxstbl, pci0, mem0, len, pci, size);
}

/*
 * Split one copy and check every store against the rules.  Returns the
 * number of stores.
 */
static unsigned long check_copy(struct kunit *test, struct split_stats *st,
				unsigned int maxstbl, bool blocks, u64 pci0,
				u64 mem0, unsigned long len)
{
	unsigned long left = len, size, n = 0;
	u64 pci = pci0, mem = mem0;

	while (left) {
		size = zpci_store_len(pci, mem, left, maxstbl);
		n++;
		if (!size || size > left) {
			report(test, st, "length 0 or beyond the copy", maxstbl,
			       pci0, mem0, len, pci, size);
			return n;
		}
		if (size > ZPCI_MAX_READ_SIZE) {
			st->blocks++;
			if (!blocks)
				report(test, st, "block with an unusable maxstbl",
				       maxstbl, pci0, mem0, len, pci, size);
			if (size % 8 || size > maxstbl)
				report(test, st, "block length", maxstbl, pci0,
				       mem0, len, pci, size);
			if (pci % 8 || mem % 8)
				report(test, st, "block alignment", maxstbl,
				       pci0, mem0, len, pci, size);
			if ((pci & 0xfff) + size > 0x1000)
				report(test, st, "block crosses 4 KiB of the PCI address",
				       maxstbl, pci0, mem0, len, pci, size);
		} else {
			if (!is_power_of_2(size) || pci % size)
				report(test, st, "single store length or alignment",
				       maxstbl, pci0, mem0, len, pci, size);
			/* No needless single store where a block was allowed. */
			if (blocks && pci % 8 == 0 && mem % 8 == 0 && left >= 16 &&
			    0x1000 - (pci & 0xfff) >= 16)
				report(test, st, "single store where a block fits",
				       maxstbl, pci0, mem0, len, pci, size);
		}
		pci += size;
		mem += size;
		left -= size;
	}
	st->stores += n;
	st->copies++;
	return n;
}

static void store_split_rules(struct kunit *test)
{
	const struct split_case *c = test->param_value;
	struct split_stats st = {};
	unsigned long len, max, n;
	int i, j;

	for (i = 0; i < ARRAY_SIZE(pci_starts); i++) {
		for (j = 0; j < ARRAY_SIZE(mem_starts); j++) {
			bool aligned = !(pci_starts[i] % 8) && !(mem_starts[j] % 8);

			/* Blocks only where both sides are aligned and blocks are allowed. */
			max = aligned && c->blocks ? MAX_LEN : SINGLES_LEN;
			for (len = 1; len <= max; len++) {
				n = check_copy(test, &st, c->maxstbl, c->blocks,
					       pci_starts[i], mem_starts[j], len);
				/* Inside one 4 KiB block: ceil(len / maxstbl) stores. */
				if (aligned && c->blocks && len % 8 == 0 &&
				    (pci_starts[i] & 0xfff) + len <= 0x1000 &&
				    n != DIV_ROUND_UP(len, c->maxstbl))
					report(test, &st, "store count", c->maxstbl,
					       pci_starts[i], mem_starts[j], len,
					       pci_starts[i], n);
			}
		}
	}
	KUNIT_EXPECT_EQ(test, st.violations, 0);
	if (c->blocks)
		KUNIT_EXPECT_GT(test, st.blocks, 0);
	else
		KUNIT_EXPECT_EQ(test, st.blocks, 0);
	kunit_info(test, "%lu copies, %lu stores, %lu blocks checked",
		   st.copies, st.stores, st.blocks);
}

/* Loads: single, naturally aligned, never crossing 8 bytes. */
static void load_split_rules(struct kunit *test)
{
	unsigned long len, left, size;
	u64 start, pci;

	for (start = 0x2fe0; start < 0x3010; start++) {
		for (len = 1; len <= 64; len++) {
			for (pci = start, left = len; left; pci += size, left -= size) {
				size = zpci_load_len(pci, left);
				KUNIT_ASSERT_TRUE_MSG(test, size && size <= left &&
						      is_power_of_2(size) && size <= 8 &&
						      !(pci % size),
						      "load at 0x%llx left %lu size %lu",
						      pci, left, size);
			}
		}
	}
}

/* The copy the base splits wrongly: 64 bytes at PCI offset 0x2fe0. */
static void store_split_boundary_example(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, zpci_store_len(0x2fe0, 0x10000, 64, 128), 32);
	KUNIT_EXPECT_EQ(test, zpci_store_len(0x3000, 0x10020, 32, 128), 32);
	KUNIT_EXPECT_EQ(test, zpci_store_len(0x2ff8, 0x10000, 64, 128), 8);
	/* Memory misaligned: single stores, aligned to the PCI address. */
	KUNIT_EXPECT_EQ(test, zpci_store_len(0x2fe0, 0x10004, 64, 128), 8);
	KUNIT_EXPECT_EQ(test, zpci_store_len(0x2fe4, 0x10000, 64, 128), 4);
	/* A maxstbl of 8 or less: single 8-byte stores. */
	KUNIT_EXPECT_EQ(test, zpci_store_len(0x0, 0x10000, 64, 0), 8);
	KUNIT_EXPECT_EQ(test, zpci_store_len(0x0, 0x10000, 64, 8), 8);
	/* Above 4 KiB: a block still ends at the 4 KiB boundary. */
	KUNIT_EXPECT_EQ(test, zpci_store_len(0xf00, 0x10000, 8192, 8192),
			0x100);
}

/* A maxstbl that allows blocks: 16 to 4096 bytes in steps of 8. */
static void store_block_usable(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, zpci_store_block_usable(0));
	KUNIT_EXPECT_FALSE(test, zpci_store_block_usable(8));
	KUNIT_EXPECT_TRUE(test, zpci_store_block_usable(16));
	KUNIT_EXPECT_FALSE(test, zpci_store_block_usable(100));
	KUNIT_EXPECT_TRUE(test, zpci_store_block_usable(128));
	KUNIT_EXPECT_TRUE(test, zpci_store_block_usable(4096));
	KUNIT_EXPECT_FALSE(test, zpci_store_block_usable(4104));
	KUNIT_EXPECT_FALSE(test, zpci_store_block_usable(8192));
}

static long long read64(atomic64_t *v)
{
	return atomic64_read(v);
}

/*
 * A copy's stores reach the counters in runs of equal stores: a run when
 * it ends, the last when the copy ends.
 */
static void store_tally_runs(struct kunit *test)
{
	struct zpci_store_stats st = {};
	struct zpci_store_tally t = { .st = &st };

	zpci_tally_store(&t, 0x0, 128);
	zpci_tally_store(&t, 0x80, 128);
	zpci_tally_store(&t, 0x100, 128);
	/* the run goes on: nothing counted yet */
	KUNIT_EXPECT_EQ(test, read64(&st.block_stores), 0);
	KUNIT_EXPECT_EQ(test, read64(&st.bytes_stored), 0);
	zpci_tally_store(&t, 0x180, 104);
	KUNIT_EXPECT_EQ(test, read64(&st.block_stores), 3);
	KUNIT_EXPECT_EQ(test, read64(&st.bytes_stored), 384);
	zpci_tally_store(&t, 0x1e8, 8);
	zpci_tally_store(&t, 0x1f0, 4);
	zpci_tally_store(&t, 0x1f4, 2);
	zpci_tally_store(&t, 0x1f6, 1);
	/* a block across 4 KiB, which the rules never make, is counted */
	zpci_tally_store(&t, 0xff8, 16);
	zpci_tally_store(&t, 0x1008, 128);
	/* a single store never crosses */
	zpci_tally_store(&t, 0x1fff, 1);
	KUNIT_EXPECT_EQ(test, read64(&st.blocks_crossing), 0);
	zpci_tally_end(&t);

	KUNIT_EXPECT_EQ(test, read64(&st.block_stores), 6);
	KUNIT_EXPECT_EQ(test, read64(&st.single_stores), 5);
	KUNIT_EXPECT_EQ(test, read64(&st.bytes_stored), 4 * 128 + 104 + 15 + 16 + 1);
	KUNIT_EXPECT_EQ(test, read64(&st.largest_block), 128);
	KUNIT_EXPECT_EQ(test, read64(&st.blocks_crossing), 1);
	/* classes up to 2^i bytes: 104 and 128 in 7, 16 in 4 */
	KUNIT_EXPECT_EQ(test, read64(&st.by_size[7]), 5);
	KUNIT_EXPECT_EQ(test, read64(&st.by_size[4]), 1);
	KUNIT_EXPECT_EQ(test, read64(&st.by_size[3]), 1);
	KUNIT_EXPECT_EQ(test, read64(&st.by_size[2]), 1);
	KUNIT_EXPECT_EQ(test, read64(&st.by_size[1]), 1);
	KUNIT_EXPECT_EQ(test, read64(&st.by_size[0]), 2);
	KUNIT_EXPECT_EQ(test, read64(&st.by_size[ZPCI_STORE_CLASSES - 1]), 0);

	/* a second copy adds to the counters; its largest block is kept */
	t = (struct zpci_store_tally){ .st = &st };
	zpci_tally_store(&t, 0x0, 4096);
	zpci_tally_end(&t);
	KUNIT_EXPECT_EQ(test, read64(&st.block_stores), 7);
	KUNIT_EXPECT_EQ(test, read64(&st.largest_block), 4096);
	KUNIT_EXPECT_EQ(test, read64(&st.by_size[ZPCI_STORE_CLASSES - 1]), 1);
	KUNIT_EXPECT_EQ(test, read64(&st.blocks_crossing), 1);
}

/* MIO addresses of two functions, BAR 16 KiB each, B right after A. */
#define MIO_A_WT	0x4000000000000000ULL
#define MIO_A_WB	0x4000100000000000ULL
#define MIO_B_WT	(MIO_A_WT + BAR_LEN)
#define MIO_B_WB	(MIO_A_WB + BAR_LEN)
#define BAR_SIZE	14
#define BAR_LEN		BIT_ULL(BAR_SIZE)

static struct zpci_dev *mio_function(struct kunit *test, int bar, u64 wt,
				     u64 wb, unsigned int maxstbl)
{
	struct zpci_dev *zdev = kunit_kzalloc(test, sizeof(*zdev), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, zdev);
	zdev->mio_capable = true;
	zdev->state = ZPCI_FN_STATE_CONFIGURED;
	zdev->maxstbl = maxstbl;
	zdev->bars[bar].mio_wt = (void __iomem *)wt;
	zdev->bars[bar].mio_wb = (void __iomem *)wb;
	zdev->bars[bar].size = BAR_SIZE;
	return zdev;
}

/* Every address of a BAR (both mappings, first, inner and last byte) */
static void expect_bar_maxstbl(struct kunit *test, struct list_head *fns,
			       u64 wt, u64 wb, unsigned int maxstbl)
{
	const u64 offsets[] = { 0, 8, 0xff8, 0x1000, BAR_LEN - 1 };
	int i;

	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		KUNIT_EXPECT_EQ_MSG(test, zpci_mio_maxstbl(fns, wt + offsets[i]),
				    maxstbl, "address 0x%llx", wt + offsets[i]);
		KUNIT_EXPECT_EQ_MSG(test, zpci_mio_maxstbl(fns, wb + offsets[i]),
				    maxstbl, "address 0x%llx", wb + offsets[i]);
	}
}

/*
 * With MIO a store finds its function from the BAR's MIO ranges: each
 * function's copies use its own maxstbl, and a function that is gone no
 * longer limits the others.  An address of no function gets single stores.
 */
static void store_mio_maxstbl(struct kunit *test)
{
	struct zpci_dev *a, *b;
	LIST_HEAD(fns);

	a = mio_function(test, 0, MIO_A_WT, MIO_A_WB, 8);
	b = mio_function(test, 2, MIO_B_WT, MIO_B_WB, 128);
	zpci_mio_add_function(&fns, a);
	zpci_mio_add_function(&fns, b);

	expect_bar_maxstbl(test, &fns, MIO_A_WT, MIO_A_WB, 8);
	expect_bar_maxstbl(test, &fns, MIO_B_WT, MIO_B_WB, 128);
	KUNIT_EXPECT_EQ(test, zpci_mio_maxstbl(&fns, MIO_B_WT + BAR_LEN),
			ZPCI_MAX_READ_SIZE);

	/* function A is unplugged: B keeps 128, A's addresses name nothing */
	zpci_mio_del_function(a);
	expect_bar_maxstbl(test, &fns, MIO_B_WT, MIO_B_WB, 128);
	expect_bar_maxstbl(test, &fns, MIO_A_WT, MIO_A_WB, ZPCI_MAX_READ_SIZE);

	/* a function in standby no longer owns its MIO addresses */
	b->state = ZPCI_FN_STATE_STANDBY;
	expect_bar_maxstbl(test, &fns, MIO_B_WT, MIO_B_WB, ZPCI_MAX_READ_SIZE);
	zpci_mio_del_function(b);
}

static struct kunit_case pci_store_cases[] = {
	KUNIT_CASE_PARAM(store_split_rules, split_gen_params),
	KUNIT_CASE(load_split_rules),
	KUNIT_CASE(store_split_boundary_example),
	KUNIT_CASE(store_block_usable),
	KUNIT_CASE(store_tally_runs),
	KUNIT_CASE(store_mio_maxstbl),
	{}
};

static struct kunit_suite pci_store_suite = {
	.name = "zpci_store",
	.test_cases = pci_store_cases,
};

kunit_test_suite(pci_store_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for zPCI store splitting");
MODULE_LICENSE("GPL");
