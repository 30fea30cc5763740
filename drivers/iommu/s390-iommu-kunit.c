// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the s390 IOMMU translation tables: a domain of each
 * origin type (region-third, region-second, region-first) maps 4 KiB
 * pages and 1 MiB frames at DMA addresses whose indexes differ at every
 * table level it has, translates them back, unmaps them and frees its
 * tables.  No function is attached: nothing is registered or refreshed,
 * so the types QEMU does not register are tested here.
 *
 * Included at the end of s390-iommu.c (CONFIG_S390_IOMMU_KUNIT_TEST),
 * whose table code is static.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>

/**
 * struct s390_iommu_table_case - one origin type
 * @desc: case description
 * @origin_type: ZPCI_TABLE_TYPE_RTX, _RSX or _RFX
 * @dt: its designation type
 */
struct s390_iommu_table_case {
	const char *desc;
	u8 origin_type;
	unsigned int dt;
};

static const struct s390_iommu_table_case s390_iommu_table_cases[] = {
	{ "region-third", ZPCI_TABLE_TYPE_RTX, ZPCI_IOTA_RTTO },
	{ "region-second", ZPCI_TABLE_TYPE_RSX, ZPCI_IOTA_RSTO },
	{ "region-first", ZPCI_TABLE_TYPE_RFX, ZPCI_IOTA_RFTO },
};

KUNIT_ARRAY_PARAM_DESC(s390_iommu_table, s390_iommu_table_cases, desc);

/* Addresses of 4 KiB pages: every index of every level varies */
static const u64 s390_iommu_test_pages[] = {
	0, SZ_4K, SZ_1M + SZ_4K, BIT_ULL(31), BIT_ULL(42) - SZ_4K,
	BIT_ULL(42), BIT_ULL(42) + BIT_ULL(31) + SZ_1M, BIT_ULL(53) - SZ_4K,
	BIT_ULL(53), BIT_ULL(63) + BIT_ULL(42), U64_MAX & PAGE_MASK,
};

/* Addresses of 1 MiB frames */
static const u64 s390_iommu_test_frames[] = {
	SZ_2M, BIT_ULL(42) - SZ_2M, BIT_ULL(42) + SZ_2M, BIT_ULL(60),
};

/**
 * s390_iommu_top_index() - index of an address in a domain's origin table
 * @s390_domain: the domain
 * @dma_addr: the DMA address
 *
 * Return: the region-first, region-second or region-third index.
 */
static unsigned int s390_iommu_top_index(struct s390_domain *s390_domain,
					 u64 dma_addr)
{
	switch (s390_domain->origin_type) {
	case ZPCI_TABLE_TYPE_RFX:
		return calc_rfx(dma_addr);
	case ZPCI_TABLE_TYPE_RSX:
		return calc_rsx(dma_addr);
	default:
		return calc_rtx(dma_addr);
	}
}

/**
 * s390_iommu_table_test() - map, translate, unmap and free in one domain
 * @test: the test; its parameter is a &struct s390_iommu_table_case
 */
static void s390_iommu_table_test(struct kunit *test)
{
	const struct s390_iommu_table_case *c = test->param_value;
	u64 end = zpci_caps_dt_limit(c->dt);
	DECLARE_BITMAP(top, ZPCI_TABLE_ENTRIES);
	struct iommu_iotlb_gather gather;
	struct s390_domain *s390_domain;
	struct iommu_domain *domain;
	phys_addr_t pa = SZ_1G + SZ_4K;
	unsigned int i, valid = 0;
	size_t mapped;
	u64 iova;

	s390_domain = s390_domain_alloc(c->origin_type, 0, end);
	KUNIT_ASSERT_NOT_NULL(test, s390_domain);
	domain = &s390_domain->domain;
	domain->pgsize_bitmap = s390_iommu_pgsizes(true);
	bitmap_zero(top, ZPCI_TABLE_ENTRIES);

	for (i = 0; i < ARRAY_SIZE(s390_iommu_test_pages); i++) {
		iova = s390_iommu_test_pages[i];
		if (iova > end) {
			/* beyond what the origin's tables translate */
			KUNIT_EXPECT_EQ(test, s390_iommu_map_pages(domain, iova, pa, SZ_4K, 1,
								   IOMMU_READ | IOMMU_WRITE,
								   GFP_KERNEL, &mapped),
					-EINVAL);
			continue;
		}
		mapped = 0;
		KUNIT_EXPECT_EQ(test, s390_iommu_map_pages(domain, iova, pa + i * SZ_4K,
							   SZ_4K, 1, IOMMU_READ | IOMMU_WRITE,
							   GFP_KERNEL, &mapped), 0);
		KUNIT_EXPECT_EQ(test, mapped, SZ_4K);
		__set_bit(s390_iommu_top_index(s390_domain, iova), top);
	}
	for (i = 0; i < ARRAY_SIZE(s390_iommu_test_frames); i++) {
		iova = s390_iommu_test_frames[i];
		if (iova > end)
			continue;
		KUNIT_EXPECT_EQ(test, s390_iommu_map_pages(domain, iova, (i + 1) * SZ_1G,
							   SZ_1M, 1, IOMMU_READ, GFP_KERNEL,
							   &mapped), 0);
		__set_bit(s390_iommu_top_index(s390_domain, iova), top);
	}

	/* the origin table has an entry exactly for each index used */
	for (i = 0; i < ZPCI_TABLE_ENTRIES; i++) {
		if (reg_entry_isvalid(s390_domain->dma_table[i])) {
			valid++;
			KUNIT_EXPECT_TRUE_MSG(test, test_bit(i, top), "entry %u", i);
			KUNIT_EXPECT_EQ_MSG(test, s390_domain->dma_table[i] & ZPCI_TABLE_TYPE_MASK,
					    (unsigned long)s390_domain->origin_type, "entry %u", i);
		}
	}
	KUNIT_EXPECT_EQ(test, valid, bitmap_weight(top, ZPCI_TABLE_ENTRIES));

	for (i = 0; i < ARRAY_SIZE(s390_iommu_test_pages); i++) {
		iova = s390_iommu_test_pages[i];
		if (iova > end)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, s390_iommu_iova_to_phys(domain, iova + 0x123),
				    pa + i * SZ_4K + 0x123, "iova 0x%llx", iova);
		/* the page above is not mapped (the next one listed may be) */
		if (i + 1 < ARRAY_SIZE(s390_iommu_test_pages) &&
		    iova + SZ_4K != s390_iommu_test_pages[i + 1] && iova + SZ_4K <= end)
			KUNIT_EXPECT_EQ_MSG(test, s390_iommu_iova_to_phys(domain, iova + SZ_4K),
					    0, "iova 0x%llx", iova + SZ_4K);
	}
	for (i = 0; i < ARRAY_SIZE(s390_iommu_test_frames); i++) {
		iova = s390_iommu_test_frames[i];
		if (iova > end)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, s390_iommu_iova_to_phys(domain, iova + 0xabcde),
				    (i + 1) * SZ_1G + 0xabcde, "frame 0x%llx", iova);
	}

	for (i = 0; i < ARRAY_SIZE(s390_iommu_test_pages); i++) {
		iova = s390_iommu_test_pages[i];
		if (iova > end)
			continue;
		iommu_iotlb_gather_init(&gather);
		KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, iova, SZ_4K, 1, &gather),
				SZ_4K);
		KUNIT_EXPECT_EQ(test, s390_iommu_iova_to_phys(domain, iova), 0);
	}
	for (i = 0; i < ARRAY_SIZE(s390_iommu_test_frames); i++) {
		iova = s390_iommu_test_frames[i];
		if (iova > end)
			continue;
		iommu_iotlb_gather_init(&gather);
		KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, iova, SZ_1M, 1, &gather),
				SZ_1M);
		KUNIT_EXPECT_EQ(test, s390_iommu_iova_to_phys(domain, iova), 0);
	}

	/* every table goes; kmemleak would report one that stayed */
	s390_domain_free(domain);
	rcu_barrier();
}

/**
 * struct s390_iommu_refresh_log - the refreshes a test requested
 * @in_map: set while the test's map call runs
 * @during_map: refreshes requested while it ran
 * @total: refreshes requested in all
 * @start: first address refreshed during the map call
 * @end: last address refreshed during the map call
 */
struct s390_iommu_refresh_log {
	bool in_map;
	unsigned int during_map;
	unsigned int total;
	u64 start;
	u64 end;
};

/* Stands in for s390_iommu_refresh(): counts, issues no RPCIT */
static int s390_iommu_test_refresh(struct zpci_dev *zdev, dma_addr_t iova,
				   size_t size)
{
	struct s390_iommu_refresh_log *log = kunit_get_current_test()->priv;

	log->total++;
	if (log->in_map) {
		if (!log->during_map++ || iova < log->start)
			log->start = iova;
		log->end = max_t(u64, log->end, iova + size - 1);
	}
	return 0;
}

/**
 * struct s390_iommu_refresh_case - a function's refresh mode
 * @desc: case description
 * @refresh: the function's tlb_refresh (the group's refresh bit)
 */
struct s390_iommu_refresh_case {
	const char *desc;
	u8 refresh;
};

static const struct s390_iommu_refresh_case s390_iommu_refresh_cases[] = {
	{ "refresh 0", 0 },
	{ "refresh 1", 1 },
};

KUNIT_ARRAY_PARAM_DESC(s390_iommu_refresh, s390_iommu_refresh_cases, desc);

/**
 * s390_iommu_test_map_frame() - map a frame as the IOMMU core does
 * @test: the test, whose priv is a &struct s390_iommu_refresh_log
 * @domain: the domain
 * @iova: DMA address of the frame
 * @pa: its physical address
 *
 * map_pages, then iotlb_sync_map; the log's counts restart.
 */
static void s390_iommu_test_map_frame(struct kunit *test,
				      struct iommu_domain *domain, u64 iova,
				      phys_addr_t pa)
{
	struct s390_iommu_refresh_log *log = test->priv;
	size_t mapped = 0;

	memset(log, 0, sizeof(*log));
	log->in_map = true;
	KUNIT_EXPECT_EQ(test, s390_iommu_map_pages(domain, iova, pa, SZ_1M, 1,
						   IOMMU_READ | IOMMU_WRITE,
						   GFP_KERNEL, &mapped), 0);
	log->in_map = false;
	KUNIT_EXPECT_EQ(test, mapped, SZ_1M);
	KUNIT_EXPECT_EQ(test, s390_iommu_iotlb_sync_map(domain, iova, SZ_1M), 0);
}

/**
 * s390_iommu_test_frame_domain() - a region-third domain with frames
 * @test: the test, which fails if the domain cannot be allocated
 *
 * Return: a domain with 4 KiB pages and 1 MiB frames.
 */
static struct s390_domain *s390_iommu_test_frame_domain(struct kunit *test)
{
	struct s390_domain *s390_domain;

	s390_domain = s390_domain_alloc(ZPCI_TABLE_TYPE_RTX, 0,
					zpci_caps_dt_limit(ZPCI_IOTA_RTTO));
	KUNIT_ASSERT_NOT_NULL(test, s390_domain);
	s390_domain->domain.pgsize_bitmap = s390_iommu_pgsizes(true);
	return s390_domain;
}

/**
 * s390_iommu_frame_refresh_test() - a replaced segment entry is refreshed
 * @test: the test; its parameter is a &struct s390_iommu_refresh_case
 *
 * A frame mapped where an empty page table was (a 4 KiB page mapped and
 * unmapped before) turns one valid segment-table entry into another and
 * frees the table: a device may still hold the old entry, so the frame's
 * range must be refreshed before the map call returns, with either
 * refresh mode.  A frame mapped where nothing was needs no refresh of
 * its own (refresh 1 has iotlb_sync_map's).  One attached function,
 * whose refreshes s390_iommu_test_refresh() counts.
 */
static void s390_iommu_frame_refresh_test(struct kunit *test)
{
	const struct s390_iommu_refresh_case *c = test->param_value;
	struct s390_iommu_refresh_log log = {};
	struct iommu_iotlb_gather gather;
	struct s390_domain *s390_domain;
	struct iommu_domain *domain;
	const u64 table = SZ_1G, fresh = SZ_1G + SZ_2M;
	struct zpci_dev *zdev;
	unsigned long ste;
	size_t mapped;

	s390_domain = s390_iommu_test_frame_domain(test);
	domain = &s390_domain->domain;
	zdev = kunit_kzalloc(test, sizeof(*zdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, zdev);
	zdev->tlb_refresh = c->refresh;
	zdev->end_dma = zpci_caps_dt_limit(ZPCI_IOTA_RTTO);
	list_add_rcu(&zdev->iommu_list, &s390_domain->devices);
	test->priv = &log;
	kunit_activate_static_stub(test, s390_iommu_refresh, s390_iommu_test_refresh);

	/* a 4 KiB page leaves an empty page table behind */
	KUNIT_EXPECT_EQ(test, s390_iommu_map_pages(domain, table + SZ_4K, SZ_2G, SZ_4K, 1,
						   IOMMU_READ, GFP_KERNEL, &mapped), 0);
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, table + SZ_4K, SZ_4K, 1,
						     &gather), SZ_4K);
	s390_iommu_iotlb_sync(domain, &gather);
	ste = READ_ONCE(*dma_get_seg_entry(s390_domain, table, GFP_KERNEL));
	KUNIT_EXPECT_TRUE(test, st_entry_is_empty_table(ste));

	s390_iommu_test_map_frame(test, domain, table, SZ_2G);
	ste = READ_ONCE(*dma_get_seg_entry(s390_domain, table, GFP_KERNEL));
	KUNIT_EXPECT_TRUE(test, st_entry_is_frame(ste));
	KUNIT_EXPECT_EQ_MSG(test, log.during_map, 1,
			    "refreshes before the page table was freed");
	KUNIT_EXPECT_EQ(test, log.start, table);
	KUNIT_EXPECT_EQ(test, log.end, table + SZ_1M - 1);
	KUNIT_EXPECT_EQ(test, log.total, 1 + c->refresh);

	s390_iommu_test_map_frame(test, domain, fresh, SZ_2G + SZ_1M);
	KUNIT_EXPECT_EQ(test, log.during_map, 0);
	KUNIT_EXPECT_EQ(test, log.total, c->refresh);

	iommu_iotlb_gather_init(&gather);
	s390_iommu_unmap_pages(domain, table, SZ_1M, 1, &gather);
	s390_iommu_unmap_pages(domain, fresh, SZ_1M, 1, &gather);
	list_del_rcu(&zdev->iommu_list);
	s390_domain_free(domain);
	rcu_barrier();
}

/**
 * s390_iommu_frame_unmap_test() - unmapping frames reports what it did
 * @test: the test
 *
 * Two frames mapped, three unmapped: the two are unmapped, reported and
 * gathered for the refresh, and the unmap stops at the third.  4 KiB
 * unmapped inside a frame unmaps the whole frame, as the IOMMU core
 * expects of a large page (iommu_unmap() unmaps at least the size asked
 * for): reported from the address on, the whole frame gathered.  Two
 * pages mapped, three unmapped: the two are reported.
 */
static void s390_iommu_frame_unmap_test(struct kunit *test)
{
	const u64 f = SZ_1G, p = SZ_1G + SZ_4M;
	struct iommu_iotlb_gather gather;
	struct s390_domain *s390_domain;
	struct iommu_domain *domain;
	size_t mapped;

	s390_domain = s390_iommu_test_frame_domain(test);
	domain = &s390_domain->domain;

	/* two frames mapped, three unmapped */
	KUNIT_EXPECT_EQ(test, s390_iommu_map_pages(domain, f, SZ_2G, SZ_1M, 2, IOMMU_READ,
						   GFP_KERNEL, &mapped), 0);
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, f, SZ_1M, 3, &gather), SZ_2M);
	KUNIT_EXPECT_EQ(test, gather.start, f);
	KUNIT_EXPECT_EQ(test, gather.end, f + SZ_2M - 1);
	KUNIT_EXPECT_EQ(test, s390_iommu_iova_to_phys(domain, f), 0);
	KUNIT_EXPECT_EQ(test, s390_iommu_iova_to_phys(domain, f + SZ_1M), 0);

	/* 4 KiB unmapped inside a frame */
	KUNIT_EXPECT_EQ(test, s390_iommu_map_pages(domain, f, SZ_2G, SZ_1M, 1, IOMMU_READ,
						   GFP_KERNEL, &mapped), 0);
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, f + SZ_4K, SZ_4K, 1, &gather),
			SZ_1M - SZ_4K);
	KUNIT_EXPECT_EQ(test, gather.start, f);
	KUNIT_EXPECT_EQ(test, gather.end, f + SZ_1M - 1);
	KUNIT_EXPECT_EQ(test, s390_iommu_iova_to_phys(domain, f), 0);

	/* the same through the IOMMU core: at least 4 KiB unmapped */
	KUNIT_EXPECT_EQ(test, s390_iommu_map_pages(domain, f, SZ_2G, SZ_1M, 1, IOMMU_READ,
						   GFP_KERNEL, &mapped), 0);
	domain->type = IOMMU_DOMAIN_UNMANAGED;
	domain->ops = s390_iommu_ops.default_domain_ops;
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_GE(test, iommu_unmap_fast(domain, f + SZ_4K, SZ_4K, &gather), SZ_4K);
	KUNIT_EXPECT_EQ(test, s390_iommu_iova_to_phys(domain, f + SZ_4K), 0);

	/* two pages mapped, three unmapped */
	KUNIT_EXPECT_EQ(test, s390_iommu_map_pages(domain, p, SZ_2G, SZ_4K, 2, IOMMU_READ,
						   GFP_KERNEL, &mapped), 0);
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, p, SZ_4K, 3, &gather), SZ_8K);
	KUNIT_EXPECT_EQ(test, gather.start, p);
	KUNIT_EXPECT_EQ(test, gather.end, p + SZ_8K - 1);

	s390_domain_free(domain);
	rcu_barrier();
}

/**
 * s390_iommu_test_run() - check a run of 4 KiB pages
 * @test: the test
 * @domain: the domain
 * @iova: DMA address of the run's first page
 * @pa: physical address it should translate to, or 0 for none
 * @pages: the run's length in pages
 *
 * A mapped run (@pa not 0) must also have no page mapped next to it.
 */
static void s390_iommu_test_run(struct kunit *test, struct iommu_domain *domain,
				u64 iova, phys_addr_t pa, unsigned long pages)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		KUNIT_EXPECT_EQ_MSG(test, s390_iommu_iova_to_phys(domain, iova + i * SZ_4K + 8),
				    pa ? pa + i * SZ_4K + 8 : 0, "iova 0x%llx",
				    iova + i * SZ_4K);
	if (!pa)
		return;
	KUNIT_EXPECT_EQ(test, s390_iommu_iova_to_phys(domain, iova - SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, s390_iommu_iova_to_phys(domain, iova + pages * SZ_4K), 0);
}

/**
 * s390_iommu_run_test() - runs of pages across page tables and region entries
 * @test: the test; its parameter is a &struct s390_iommu_table_case
 *
 * Mapping and unmapping walk the tables once per page table: a run that
 * crosses page tables (1 MiB), a region-third entry (2 GiB) and, where
 * the origin translates it, a region-second entry (4 TiB) is mapped page
 * for page and nothing around it; an unmap in pieces unmaps each piece
 * and stops at a page that is not mapped.  A run that meets a 1 MiB frame
 * fails, and the pages it had mapped before the frame are unmapped.
 */
static void s390_iommu_run_test(struct kunit *test)
{
	const struct s390_iommu_table_case *c = test->param_value;
	const u64 runs[] = { 3 * SZ_1M - 3 * SZ_4K, BIT_ULL(31) - 2 * SZ_4K,
			     BIT_ULL(42) - SZ_4K };
	const unsigned long pages[] = { 2 * ZPCI_PT_ENTRIES + 10, 4, 2 };
	const unsigned long hole = ZPCI_PT_ENTRIES + 100, first = 300;
	u64 end = zpci_caps_dt_limit(c->dt), a = runs[0], f = 8 * SZ_1M;
	struct iommu_iotlb_gather gather;
	struct s390_domain *s390_domain;
	struct iommu_domain *domain;
	const phys_addr_t pa = SZ_1G;
	unsigned int i;
	size_t mapped;

	s390_domain = s390_domain_alloc(c->origin_type, 0, end);
	KUNIT_ASSERT_NOT_NULL(test, s390_domain);
	domain = &s390_domain->domain;
	domain->pgsize_bitmap = s390_iommu_pgsizes(true);

	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		if (runs[i] + pages[i] * SZ_4K - 1 > end)
			continue;
		KUNIT_EXPECT_EQ(test, s390_iommu_map_pages(domain, runs[i], pa, SZ_4K, pages[i],
							   IOMMU_READ | IOMMU_WRITE,
							   GFP_KERNEL, &mapped), 0);
		KUNIT_EXPECT_EQ(test, mapped, pages[i] * SZ_4K);
		s390_iommu_test_run(test, domain, runs[i], pa, pages[i]);
	}

	/* the first run in pieces: the first ones, a hole, up to the hole */
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, a, SZ_4K, first, &gather),
			first * SZ_4K);
	KUNIT_EXPECT_EQ(test, gather.start, a);
	KUNIT_EXPECT_EQ(test, gather.end, a + first * SZ_4K - 1);
	s390_iommu_test_run(test, domain, a, 0, first);
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, a + hole * SZ_4K, SZ_4K, 1,
						     &gather), SZ_4K);
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, a + first * SZ_4K, SZ_4K,
						     pages[0] - first, &gather),
			(hole - first) * SZ_4K);
	KUNIT_EXPECT_EQ(test, gather.end, a + hole * SZ_4K - 1);
	s390_iommu_test_run(test, domain, a + (hole + 1) * SZ_4K, pa + (hole + 1) * SZ_4K,
			    pages[0] - hole - 1);
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, a + (hole + 1) * SZ_4K, SZ_4K,
						     pages[0] - hole - 1, &gather),
			(pages[0] - hole - 1) * SZ_4K);
	s390_iommu_test_run(test, domain, a, 0, pages[0]);

	/* the others whole */
	for (i = 1; i < ARRAY_SIZE(runs); i++) {
		if (runs[i] + pages[i] * SZ_4K - 1 > end)
			continue;
		iommu_iotlb_gather_init(&gather);
		KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, runs[i], SZ_4K, pages[i],
							     &gather), pages[i] * SZ_4K);
		s390_iommu_test_run(test, domain, runs[i], 0, pages[i]);
	}

	/* a run that meets a frame fails with none of its pages left mapped */
	KUNIT_EXPECT_EQ(test, s390_iommu_map_pages(domain, f + SZ_1M, SZ_2G, SZ_1M, 1,
						   IOMMU_READ, GFP_KERNEL, &mapped), 0);
	KUNIT_EXPECT_EQ(test, s390_iommu_map_pages(domain, f + SZ_1M - 4 * SZ_4K, pa, SZ_4K, 8,
						   IOMMU_READ | IOMMU_WRITE, GFP_KERNEL,
						   &mapped), -ENOMEM);
	s390_iommu_test_run(test, domain, f + SZ_1M - 4 * SZ_4K, 0, 4);
	KUNIT_EXPECT_EQ(test, s390_iommu_iova_to_phys(domain, f + SZ_1M + 0x123), SZ_2G + 0x123);
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, f + SZ_1M, SZ_1M, 1, &gather),
			SZ_1M);

	s390_domain_free(domain);
	rcu_barrier();
}

/**
 * s390_iommu_test_wrong_type() - an entry of another type translates nothing
 * @test: the test
 * @domain: a domain with @pa mapped at @iova
 * @entry: a region-third- or segment-table entry on the way to @iova
 * @pa: the physical address mapped at @iova
 * @iova: the DMA address
 *
 * @entry, valid, gets the type of the other level: no lookup may follow
 * it (get_rt_sto() and get_st_pto() give %NULL for it).  The address
 * translates to nothing, unmaps nothing and the page next to it does not
 * map; the entry is left as it was.  The type restored, the page
 * translates again.
 */
static void s390_iommu_test_wrong_type(struct kunit *test,
				       struct iommu_domain *domain,
				       unsigned long *entry, phys_addr_t pa,
				       u64 iova)
{
	unsigned long good = READ_ONCE(*entry), bad;
	struct iommu_iotlb_gather gather;
	size_t mapped = 0;

	bad = good & ~ZPCI_TABLE_TYPE_MASK;
	bad |= (good & ZPCI_TABLE_TYPE_MASK) == ZPCI_TABLE_TYPE_RTX ?
	       ZPCI_TABLE_TYPE_SX : ZPCI_TABLE_TYPE_RTX;
	WRITE_ONCE(*entry, bad);
	KUNIT_EXPECT_EQ(test, s390_iommu_iova_to_phys(domain, iova), 0);
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, iova, SZ_4K, 1, &gather), 0);
	KUNIT_EXPECT_NE(test, s390_iommu_map_pages(domain, iova + SZ_4K, pa, SZ_4K, 1,
						   IOMMU_READ, GFP_KERNEL, &mapped), 0);
	KUNIT_EXPECT_EQ(test, mapped, 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(*entry), bad);
	WRITE_ONCE(*entry, good);
	KUNIT_EXPECT_EQ(test, s390_iommu_iova_to_phys(domain, iova), pa);
}

/**
 * s390_iommu_wrong_type_test() - entries of the wrong type are no tables
 * @test: the test
 *
 * A region-third-table entry with the segment-table type and a
 * segment-table entry with the region-third type, both valid, on the way
 * to a mapped page of a region-third domain (s390_iommu_test_wrong_type()).
 * Only the guest writes these tables, so such an entry is a bug; the
 * lookups must still not follow it.
 */
static void s390_iommu_wrong_type_test(struct kunit *test)
{
	const u64 iova = SZ_4G + SZ_1M;
	const phys_addr_t pa = SZ_1G;
	struct iommu_iotlb_gather gather;
	struct s390_domain *s390_domain;
	struct iommu_domain *domain;
	unsigned long *rtep, *step;
	size_t mapped;

	s390_domain = s390_iommu_test_frame_domain(test);
	domain = &s390_domain->domain;
	KUNIT_ASSERT_EQ(test, s390_iommu_map_pages(domain, iova, pa, SZ_4K, 1, IOMMU_READ,
						   GFP_KERNEL, &mapped), 0);

	rtep = &s390_domain->dma_table[calc_rtx(iova)];
	KUNIT_ASSERT_TRUE(test, rt_entry_is_table(*rtep));
	step = &get_rt_sto(*rtep)[calc_sx(iova)];
	KUNIT_ASSERT_TRUE(test, st_entry_is_table(*step));
	s390_iommu_test_wrong_type(test, domain, rtep, pa, iova);
	s390_iommu_test_wrong_type(test, domain, step, pa, iova);

	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, s390_iommu_unmap_pages(domain, iova, SZ_4K, 1, &gather), SZ_4K);
	s390_domain_free(domain);
	rcu_barrier();
}

/*
 * The aperture end under the s390_iommu_aperture= limit: a page-aligned
 * end (the last byte of a page) stays page-aligned, whatever the limit,
 * none included (s390_iommu_aperture=0), a limit never extends it, and
 * the size (end - start + 1, what a global refresh passes) fits 64 bits.
 */
static void s390_iommu_aperture_end_test(struct kunit *test)
{
	static const struct {
		u64 start, end, limit, want;
	} cases[] = {
		/* QEMU's emulated function, 1 GiB guest */
		{ SZ_4G, 0x1ffffffffffffffULL, SZ_1G, SZ_4G + SZ_1G - 1 },
		/* aperture smaller than the limit: kept */
		{ SZ_4G, SZ_4G + SZ_16M - 1, SZ_1G, SZ_4G + SZ_16M - 1 },
		/* exactly the limit: kept */
		{ SZ_4G, SZ_4G + SZ_1G - 1, SZ_1G, SZ_4G + SZ_1G - 1 },
		/* s390_iommu_aperture=0: no limit ... */
		{ SZ_4G, U64_MAX, S390_IOMMU_APERTURE_NONE, U64_MAX },
		/* ... but a size of 2^64 does not fit: one page less */
		{ 0, U64_MAX, S390_IOMMU_APERTURE_NONE, U64_MAX - PAGE_SIZE },
	};
	unsigned int i;
	u64 end;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		end = s390_iommu_aperture_end(cases[i].start, cases[i].end,
					      cases[i].limit);
		KUNIT_EXPECT_EQ_MSG(test, end, cases[i].want,
				    "start 0x%llx end 0x%llx limit 0x%llx",
				    cases[i].start, cases[i].end, cases[i].limit);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(end + 1, PAGE_SIZE),
				      "end 0x%llx not the last byte of a page", end);
		KUNIT_EXPECT_NE_MSG(test, end - cases[i].start + 1, 0,
				    "start 0x%llx end 0x%llx: size 2^64",
				    cases[i].start, end);
	}
}

/* 4 KiB pages always, 1 MiB frames only for a group that offers them */
static void s390_iommu_pgsizes_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, s390_iommu_pgsizes(false), SZ_4K);
	KUNIT_EXPECT_EQ(test, s390_iommu_pgsizes(true), SZ_4K | SZ_1M);
}

static struct kunit_case s390_iommu_table_test_cases[] = {
	KUNIT_CASE_PARAM(s390_iommu_table_test, s390_iommu_table_gen_params),
	KUNIT_CASE_PARAM(s390_iommu_frame_refresh_test, s390_iommu_refresh_gen_params),
	KUNIT_CASE(s390_iommu_frame_unmap_test),
	KUNIT_CASE_PARAM(s390_iommu_run_test, s390_iommu_table_gen_params),
	KUNIT_CASE(s390_iommu_wrong_type_test),
	KUNIT_CASE(s390_iommu_aperture_end_test),
	KUNIT_CASE(s390_iommu_pgsizes_test),
	{}
};

static struct kunit_suite s390_iommu_table_test_suite = {
	.name = "s390_iommu_tables",
	.test_cases = s390_iommu_table_test_cases,
};

kunit_test_suite(s390_iommu_table_test_suite);
