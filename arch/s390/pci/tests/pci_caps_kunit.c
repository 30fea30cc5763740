// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the zPCI CLP capability layer: whole raw query-function
 * and query-group responses are decoded, and the value in effect and the
 * source of every field are checked against the rules of
 * Documentation/arch/s390/zpci-clp.rst.
 *
 * Copyright IBM Corp. 2026
 */

#include <kunit/test.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <asm/pci.h>
#include <asm/pci_caps.h>

#define CLP	ZPCI_CAPS_SRC_CLP
#define FB	ZPCI_CAPS_SRC_FALLBACK
#define OVR	ZPCI_CAPS_SRC_OVERRIDE

/* QEMU's emulated-function and emulated-group (0xFF) values */
#define QEMU_SDMA	0x100000000ULL
#define QEMU_EDMA	0x1ffffffffffffffULL
#define QEMU_MSIA	0xfe00000000000000ULL
/* last address a region-third and a region-second table translates */
#define RT_LIMIT	0x3ffffffffffULL
#define RS_LIMIT	0x1fffffffffffffULL
#define FMB_WORDS	(sizeof(struct zpci_fmb) / sizeof(u32))

/* A query-function response; virtio-pci BAR layout (BAR1 4K, BAR4 16K) */
#define FN_BARS(_sdma, _edma, _fmb, _b0, _b1, _b2, _b3, _b4, _b5) {	\
	.hdr = { .len = sizeof(struct clp_rsp_query_pci),		\
		 .rsp = CLP_RC_OK },					\
	.pfgid = 0xff, .fid = 4, .uid = 5,				\
	.bar_size = { _b0, _b1, _b2, _b3, _b4, _b5 },			\
	.sdma = _sdma, .edma = _edma, .fmb_len = _fmb,			\
}

#define FN(_sdma, _edma, _fmb)						\
	FN_BARS(_sdma, _edma, _fmb, 0, 12, 0, 0, 14, 0)
#define QEMU_FN		FN(QEMU_SDMA, QEMU_EDMA, 0)

/* A query-group response */
#define GRP(_noi, _dnoi, _stbl, _dtsm, _dasm, _msia, _mui, _ver, _frame,	\
	    _refresh) {							\
	.hdr = { .len = sizeof(struct clp_rsp_query_pci_grp),		\
		 .rsp = CLP_RC_OK },					\
	.noi = _noi, .dnoi = _dnoi, .maxstbl = _stbl, .dtsm = _dtsm,	\
	.dasm = _dasm, .msia = _msia, .mui = _mui, .version = _ver,	\
	.frame = _frame, .refresh = _refresh,				\
}

#define QEMU_GRP_NOI(_noi, _msia)					\
	GRP(_noi, 0, 128, 0x40, 0, _msia, 4000, 0, 0, 1)
#define QEMU_GRP_STBL(_stbl)						\
	GRP(128, 0, _stbl, 0x40, 0, QEMU_MSIA, 4000, 0, 0, 1)
#define QEMU_GRP_DASM(_dasm)						\
	GRP(128, 0, 128, 0x40, _dasm, QEMU_MSIA, 4000, 0, 0, 1)
#define QEMU_GRP_DTSM(_dtsm)						\
	GRP(128, 0, 128, _dtsm, 0, QEMU_MSIA, 4000, 0, 0, 1)
#define QEMU_GRP	QEMU_GRP_STBL(128)
/* QEMU's group with relaxed translation offered */
#define QEMU_GRP_RTR {							\
	.hdr = { .len = sizeof(struct clp_rsp_query_pci_grp),		\
		 .rsp = CLP_RC_OK },					\
	.noi = 128, .maxstbl = 128, .dtsm = 0x40, .msia = QEMU_MSIA,	\
	.mui = 4000, .refresh = 1, .rtr = 1,				\
}

/**
 * struct caps_exp - expected outcome of one field
 * @effective: expected value in effect
 * @source: expected source
 * @check: the entry is set; unset fields must be accepted unchanged
 */
struct caps_exp {
	u64 effective;
	enum zpci_caps_source source;
	bool check;
};

#define X(_eff, _src)	{ .effective = (_eff), .source = (_src), .check = true }

/* what the emulated aperture becomes: edma clamped, dasm derived */
#define QEMU_DMA_EXP							\
	[ZPCI_CAPS_EDMA] = X(RT_LIMIT, FB),				\
	[ZPCI_CAPS_DASM] = X(RT_LIMIT, FB),				\
	[ZPCI_CAPS_VERSION] = X(0, FB)

/**
 * struct caps_case - one raw response pair and its expected decoding
 * @desc: case description
 * @fn: raw query-function response
 * @grp: raw query-group response
 * @override: mask of fields marked as injected
 * @rc: expected return value of zpci_caps_decode()
 * @flags: expected ZPCI_CAPS_F_* flags
 * @exp: expected value and source per field; unset: accepted as reported
 */
struct caps_case {
	const char *desc;
	struct clp_rsp_query_pci fn;
	struct clp_rsp_query_pci_grp grp;
	unsigned long override;
	int rc;
	unsigned int flags;
	struct caps_exp exp[ZPCI_CAPS_NR_FIELDS];
};

static const struct caps_case caps_cases[] = {
	{
		.desc = "qemu emulated group 0xff",
		.fn = QEMU_FN, .grp = QEMU_GRP,
		.exp = { QEMU_DMA_EXP },
	}, {
		.desc = "qemu before 2022: dtsm 0, mui 0",
		.fn = QEMU_FN,
		.grp = GRP(128, 0, 128, 0, 0, QEMU_MSIA, 0, 0, 0, 1),
		.exp = {
			QEMU_DMA_EXP,
			[ZPCI_CAPS_DTSM] = X(0x40, FB),
			[ZPCI_CAPS_MUI] = X(ZPCI_CAPS_DEFAULT_MUI, FB),
		},
	}, {
		.desc = "passthrough card: every value accepted",
		.fn = FN_BARS(0x100000000ULL, 0xffffffffffULL, 16,
			      25, 0, 23, 0, 0, 0),
		.grp = GRP(256, 256, 4096, 0x40, 0xffffffffffffULL,
			   QEMU_MSIA, 4000, 1, 1, 0),
	}, {
		.desc = "sdma above edma: function refused",
		.fn = FN(0x200000000ULL, 0x1ffffffffULL, 0), .grp = QEMU_GRP,
		.rc = -EINVAL, .flags = ZPCI_CAPS_F_REFUSED,
		.exp = {
			[ZPCI_CAPS_DASM] = X(0x1ffffffffULL, FB),
			[ZPCI_CAPS_VERSION] = X(0, FB),
		},
	}, {
		.desc = "sdma not page aligned: rounded up",
		.fn = FN(0x100000800ULL, 0x1ffffffffULL, 0), .grp = QEMU_GRP,
		.exp = {
			[ZPCI_CAPS_SDMA] = X(0x100001000ULL, FB),
			[ZPCI_CAPS_DASM] = X(0x1ffffffffULL, FB),
			[ZPCI_CAPS_VERSION] = X(0, FB),
		},
	}, {
		.desc = "edma + 1 not page aligned: rounded down",
		.fn = FN(0x100000000ULL, 0x1000017feULL, 0), .grp = QEMU_GRP,
		.exp = {
			[ZPCI_CAPS_EDMA] = X(0x100000fffULL, FB),
			[ZPCI_CAPS_DASM] = X(0x1ffffffffULL, FB),
			[ZPCI_CAPS_VERSION] = X(0, FB),
		},
	}, {
		.desc = "aperture inside one page: function refused",
		.fn = FN(0x0ULL, 0x7ffULL, 0), .grp = QEMU_GRP,
		.rc = -EINVAL, .flags = ZPCI_CAPS_F_REFUSED,
		.exp = {
			[ZPCI_CAPS_DASM] = X(0x7ffULL, FB),
			[ZPCI_CAPS_VERSION] = X(0, FB),
		},
	}, {
		.desc = "sdma beyond region-third capacity: function refused",
		.fn = FN(0x40000000000ULL, QEMU_EDMA, 0), .grp = QEMU_GRP,
		.rc = -EINVAL, .flags = ZPCI_CAPS_F_REFUSED,
		.exp = { QEMU_DMA_EXP },
	}, {
		.desc = "dasm narrower than aperture: edma clamped",
		.fn = QEMU_FN, .grp = QEMU_GRP_DASM(0xffffffffffULL),
		.exp = {
			[ZPCI_CAPS_EDMA] = X(0xffffffffffULL, FB),
			[ZPCI_CAPS_VERSION] = X(0, FB),
		},
	}, {
		.desc = "dasm below sdma: function refused",
		.fn = QEMU_FN, .grp = QEMU_GRP_DASM(0xffffffffULL),
		.rc = -EINVAL, .flags = ZPCI_CAPS_F_REFUSED,
		.exp = {
			[ZPCI_CAPS_EDMA] = X(0xffffffffULL, FB),
			[ZPCI_CAPS_VERSION] = X(0, FB),
		},
	}, {
		.desc = "dasm not a low-order mask: derived from aperture",
		.fn = QEMU_FN, .grp = QEMU_GRP_DASM(0xff00000000ULL),
		.exp = { QEMU_DMA_EXP },
	}, {
		.desc = "noi 0: MSI refused",
		.fn = QEMU_FN, .grp = QEMU_GRP_NOI(0, QEMU_MSIA),
		.flags = ZPCI_CAPS_F_NO_MSI,
		.exp = { QEMU_DMA_EXP },
	}, {
		.desc = "msia 0: MSI refused",
		.fn = QEMU_FN, .grp = QEMU_GRP_NOI(128, 0),
		.flags = ZPCI_CAPS_F_NO_MSI,
		.exp = { QEMU_DMA_EXP },
	}, {
		.desc = "noi and dnoi 4095: clamped to the MSI-X maximum",
		.fn = QEMU_FN,
		.grp = GRP(4095, 4095, 128, 0x40, 0, QEMU_MSIA, 4000, 0, 0, 1),
		.exp = {
			QEMU_DMA_EXP,
			[ZPCI_CAPS_NOI] = X(ZPCI_CAPS_MSI_MAX, FB),
			[ZPCI_CAPS_DNOI] = X(ZPCI_CAPS_MSI_MAX, FB),
		},
	}, {
		.desc = "maxstbl 0: single 8-byte stores",
		.fn = QEMU_FN, .grp = QEMU_GRP_STBL(0),
		.exp = { QEMU_DMA_EXP, [ZPCI_CAPS_MAXSTBL] = X(8, FB) },
	}, {
		.desc = "maxstbl 7: single 8-byte stores",
		.fn = QEMU_FN, .grp = QEMU_GRP_STBL(7),
		.exp = { QEMU_DMA_EXP, [ZPCI_CAPS_MAXSTBL] = X(8, FB) },
	}, {
		.desc = "maxstbl 8: single 8-byte stores as reported",
		.fn = QEMU_FN, .grp = QEMU_GRP_STBL(8),
		.exp = { QEMU_DMA_EXP },
	}, {
		.desc = "maxstbl 12: not a multiple of 8",
		.fn = QEMU_FN, .grp = QEMU_GRP_STBL(12),
		.exp = { QEMU_DMA_EXP, [ZPCI_CAPS_MAXSTBL] = X(8, FB) },
	}, {
		.desc = "maxstbl 16: smallest block store",
		.fn = QEMU_FN, .grp = QEMU_GRP_STBL(16),
		.exp = { QEMU_DMA_EXP },
	}, {
		.desc = "maxstbl 4096: largest block store",
		.fn = QEMU_FN, .grp = QEMU_GRP_STBL(4096),
		.exp = { QEMU_DMA_EXP },
	}, {
		/* 8192 does not fit the 13-bit field; 8184 is its largest */
		.desc = "maxstbl 8184: clamped to 4 KiB",
		.fn = QEMU_FN, .grp = QEMU_GRP_STBL(8184),
		.exp = { QEMU_DMA_EXP, [ZPCI_CAPS_MAXSTBL] = X(4096, FB) },
	}, {
		.desc = "maxstbl 8191: not a multiple of 8",
		.fn = QEMU_FN, .grp = QEMU_GRP_STBL(8191),
		.exp = { QEMU_DMA_EXP, [ZPCI_CAPS_MAXSTBL] = X(8, FB) },
	}, {
		.desc = "bar size 63, 49 and 48: only 48 kept",
		.fn = FN_BARS(QEMU_SDMA, QEMU_EDMA, 0, 63, 49, 48, 0, 255, 1),
		.grp = QEMU_GRP,
		.exp = {
			QEMU_DMA_EXP,
			[ZPCI_CAPS_BAR0_SIZE] = X(0, FB),
			[ZPCI_CAPS_BAR1_SIZE] = X(0, FB),
			[ZPCI_CAPS_BAR4_SIZE] = X(0, FB),
		},
	}, {
		.desc = "fmb_len fills struct zpci_fmb: accepted",
		.fn = FN(QEMU_SDMA, QEMU_EDMA, FMB_WORDS), .grp = QEMU_GRP,
		.exp = { QEMU_DMA_EXP },
	}, {
		.desc = "fmb_len one word too long: kept, measurement refused",
		.fn = FN(QEMU_SDMA, QEMU_EDMA, FMB_WORDS + 1), .grp = QEMU_GRP,
		.flags = ZPCI_CAPS_F_NO_FMB,
		.exp = { QEMU_DMA_EXP },
	}, {
		.desc = "fmb_len 255: kept, measurement refused",
		.fn = FN(QEMU_SDMA, QEMU_EDMA, 255), .grp = QEMU_GRP,
		.flags = ZPCI_CAPS_F_NO_FMB,
		.exp = { QEMU_DMA_EXP },
	}, {
		.desc = "dtsm 0: region-third assumed",
		.fn = QEMU_FN, .grp = QEMU_GRP_DTSM(0),
		.exp = { QEMU_DMA_EXP, [ZPCI_CAPS_DTSM] = X(0x40, FB) },
	}, {
		.desc = "dtsm 0x80 (segment table only): region-third assumed",
		.fn = QEMU_FN, .grp = QEMU_GRP_DTSM(0x80),
		.exp = { QEMU_DMA_EXP, [ZPCI_CAPS_DTSM] = X(0x40, FB) },
	}, {
		.desc = "dtsm 0xf0: region-third, -second and -first; edma as reported",
		.fn = QEMU_FN, .grp = QEMU_GRP_DTSM(0xf0),
		.exp = {
			[ZPCI_CAPS_DASM] = X(QEMU_EDMA, FB),
			[ZPCI_CAPS_VERSION] = X(0, FB),
			[ZPCI_CAPS_DTSM] = X(0x70, CLP),
		},
	}, {
		.desc = "dtsm 0x60: region-second the largest, edma cut to it",
		.fn = QEMU_FN, .grp = QEMU_GRP_DTSM(0x60),
		.exp = {
			[ZPCI_CAPS_EDMA] = X(RS_LIMIT, FB),
			[ZPCI_CAPS_DASM] = X(RS_LIMIT, FB),
			[ZPCI_CAPS_VERSION] = X(0, FB),
		},
	}, {
		.desc = "dtsm 0x20: region-second only",
		.fn = QEMU_FN, .grp = QEMU_GRP_DTSM(0x20),
		.exp = {
			[ZPCI_CAPS_EDMA] = X(RS_LIMIT, FB),
			[ZPCI_CAPS_DASM] = X(RS_LIMIT, FB),
			[ZPCI_CAPS_VERSION] = X(0, FB),
		},
	}, {
		.desc = "dtsm 0x10: region-first only, edma as reported",
		.fn = QEMU_FN, .grp = QEMU_GRP_DTSM(0x10),
		.exp = {
			[ZPCI_CAPS_DASM] = X(QEMU_EDMA, FB),
			[ZPCI_CAPS_VERSION] = X(0, FB),
		},
	}, {
		.desc = "dtsm 0x30, edma U64_MAX: region-first reaches it",
		.fn = FN(QEMU_SDMA, U64_MAX, 0), .grp = QEMU_GRP_DTSM(0x30),
		.exp = {
			[ZPCI_CAPS_DASM] = X(U64_MAX, FB),
			[ZPCI_CAPS_VERSION] = X(0, FB),
		},
	}, {
		.desc = "utility string flagged but empty",
		.fn = {
			.hdr = { .len = sizeof(struct clp_rsp_query_pci),
				 .rsp = CLP_RC_OK },
			.pfgid = 0xff, .sdma = QEMU_SDMA, .edma = QEMU_EDMA,
			.util_str_avail = 1,
		},
		.grp = QEMU_GRP,
		.exp = { QEMU_DMA_EXP, [ZPCI_CAPS_UTIL_STR] = X(0, FB) },
	}, {
		.desc = "utility string and internal path reported: kept",
		.fn = {
			.hdr = { .len = sizeof(struct clp_rsp_query_pci),
				 .rsp = CLP_RC_OK },
			.pfgid = 0xff, .sdma = QEMU_SDMA, .edma = QEMU_EDMA,
			.util_str_avail = 1, .util_str = { 0xc1 },
			.pfip = { 1, 2, 3, 4 },
		},
		.grp = QEMU_GRP,
		.exp = { QEMU_DMA_EXP },
	}, {
		.desc = "relaxed translation offered: rtr kept",
		.fn = QEMU_FN, .grp = QEMU_GRP_RTR,
		.exp = { QEMU_DMA_EXP },
	}, {
		.desc = "overridden noi and edma: override unless fallen back",
		.fn = QEMU_FN, .grp = QEMU_GRP,
		.override = BIT(ZPCI_CAPS_NOI) | BIT(ZPCI_CAPS_EDMA),
		.exp = { QEMU_DMA_EXP, [ZPCI_CAPS_NOI] = X(128, OVR) },
	},
};

KUNIT_ARRAY_PARAM_DESC(caps_decode, caps_cases, desc);

/**
 * caps_check_reported() - the reported values are the raw fields
 * @test: the test
 * @c: the case
 * @caps: its decoding
 */
static void caps_check_reported(struct kunit *test, const struct caps_case *c,
				const struct zpci_caps *caps)
{
	const struct zpci_caps_value *v = caps->val;
	int i;

	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_SDMA].reported, (u64)c->fn.sdma);
	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_EDMA].reported, (u64)c->fn.edma);
	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_DASM].reported, (u64)c->grp.dasm);
	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_DTSM].reported, (u64)c->grp.dtsm);
	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_FRAME].reported, (u64)c->grp.frame);
	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_REFRESH].reported, (u64)c->grp.refresh);
	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_RTR].reported, (u64)c->grp.rtr);
	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_NOI].reported, (u64)c->grp.noi);
	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_DNOI].reported, (u64)c->grp.dnoi);
	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_MSIA].reported, (u64)c->grp.msia);
	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_MAXSTBL].reported, (u64)c->grp.maxstbl);
	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_MUI].reported, (u64)c->grp.mui);
	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_UID].reported, (u64)c->fn.uid);
	KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_FMB_LEN].reported,
			4 * (u64)c->fn.fmb_len);
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		KUNIT_EXPECT_EQ(test, v[ZPCI_CAPS_BAR0_SIZE + i].reported,
				(u64)c->fn.bar_size[i]);
}

/**
 * caps_decode_test() - decode one case, check every field and the outcome
 * @test: the test; its parameter is a &struct caps_case
 */
static void caps_decode_test(struct kunit *test)
{
	const struct caps_case *c = test->param_value;
	struct zpci_caps *caps;
	int i, rc;

	caps = kunit_kzalloc(test, sizeof(*caps), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, caps);

	rc = zpci_caps_decode(&c->fn, &c->grp, c->override, caps);
	KUNIT_EXPECT_EQ_MSG(test, rc, c->rc, "%s", c->desc);
	KUNIT_EXPECT_EQ_MSG(test, caps->flags, c->flags, "%s", c->desc);
	caps_check_reported(test, c, caps);

	for (i = 0; i < ZPCI_CAPS_NR_FIELDS; i++) {
		const struct zpci_caps_value *v = &caps->val[i];
		const struct caps_exp *e = &c->exp[i];
		u64 eff = e->check ? e->effective : v->reported;
		enum zpci_caps_source src = e->check ? e->source : CLP;

		KUNIT_EXPECT_EQ_MSG(test, v->effective, eff,
				    "%s: %s reported 0x%llx", c->desc,
				    zpci_caps_field_name(i), v->reported);
		KUNIT_EXPECT_EQ_MSG(test, v->source, src,
				    "%s: %s reported 0x%llx is %s", c->desc,
				    zpci_caps_field_name(i), v->reported,
				    zpci_caps_source_name(v->source));
	}
}

/**
 * caps_dt_limit_test() - capacity of each translation-table type
 * @test: the test
 */
static void caps_dt_limit_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, zpci_caps_dt_limit(0), BIT_ULL(31) - 1);
	KUNIT_EXPECT_EQ(test, zpci_caps_dt_limit(1), BIT_ULL(42) - 1);
	KUNIT_EXPECT_EQ(test, zpci_caps_dt_limit(2), BIT_ULL(53) - 1);
	KUNIT_EXPECT_EQ(test, zpci_caps_dt_limit(3), U64_MAX);
	KUNIT_EXPECT_EQ(test, zpci_caps_dt_limit(ZPCI_CAPS_GUEST_DT),
			RT_LIMIT);
	KUNIT_EXPECT_EQ(test, ZPCI_CAPS_GUEST_DTSM, 0x40);
}

/**
 * caps_table_dt_test() - the smallest table type in effect that reaches
 * @test: the test
 */
static void caps_table_dt_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, zpci_caps_table_dt(0x70, QEMU_SDMA + SZ_1G - 1), 1);
	KUNIT_EXPECT_EQ(test, zpci_caps_table_dt(0x70, RT_LIMIT), 1);
	KUNIT_EXPECT_EQ(test, zpci_caps_table_dt(0x70, RT_LIMIT + 1), 2);
	KUNIT_EXPECT_EQ(test, zpci_caps_table_dt(0x70, RS_LIMIT), 2);
	KUNIT_EXPECT_EQ(test, zpci_caps_table_dt(0x70, RS_LIMIT + 1), 3);
	KUNIT_EXPECT_EQ(test, zpci_caps_table_dt(0x70, U64_MAX), 3);
	/* only what is in effect: region-second for a small aperture too */
	KUNIT_EXPECT_EQ(test, zpci_caps_table_dt(0x20, SZ_1G), 2);
	/* none reaches: the largest in effect */
	KUNIT_EXPECT_EQ(test, zpci_caps_table_dt(0x20, U64_MAX), 2);
	KUNIT_EXPECT_EQ(test, zpci_caps_table_dt(0x40, U64_MAX), 1);
	/* none the guest builds: region-third */
	KUNIT_EXPECT_EQ(test, zpci_caps_table_dt(0, RT_LIMIT), 1);
	KUNIT_EXPECT_EQ(test, zpci_caps_table_dt(0x80, RT_LIMIT), 1);
}

/**
 * caps_zdev() - a function with the values in effect of a decoded pair
 * @test: the test
 * @fn: raw query-function response
 * @grp: raw query-group response
 *
 * Return: a zeroed &struct zpci_dev, freed with the test, filled by
 * zpci_caps_apply() from the decoding of @fn and @grp.
 */
static struct zpci_dev *caps_zdev(struct kunit *test,
				  const struct clp_rsp_query_pci *fn,
				  const struct clp_rsp_query_pci_grp *grp)
{
	struct zpci_caps *caps;
	struct zpci_dev *zdev;

	caps = kunit_kzalloc(test, sizeof(*caps), GFP_KERNEL);
	zdev = kunit_kzalloc(test, sizeof(*zdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, caps);
	KUNIT_ASSERT_NOT_NULL(test, zdev);
	zpci_caps_decode(fn, grp, 0, caps);
	zpci_caps_apply(zdev, caps, fn);
	return zdev;
}

/**
 * caps_refuse_dt_test() - a refused table type leaves effect, edma follows
 * @test: the test
 */
static void caps_refuse_dt_test(struct kunit *test)
{
	struct clp_rsp_query_pci fn = QEMU_FN;
	struct clp_rsp_query_pci_grp grp = QEMU_GRP;
	struct zpci_dev *zdev;
	u8 *source;

	grp.dtsm = 0x70;
	zdev = caps_zdev(test, &fn, &grp);
	source = zdev->caps_report.source;
	KUNIT_EXPECT_TRUE(test, zpci_caps_refuse_dt(zdev, 3));
	KUNIT_EXPECT_EQ(test, zdev->dtsm, 0x60);
	KUNIT_EXPECT_EQ(test, source[ZPCI_CAPS_DTSM], FB);
	KUNIT_EXPECT_EQ(test, zdev->end_dma, RS_LIMIT);
	KUNIT_EXPECT_EQ(test, source[ZPCI_CAPS_EDMA], FB);
	KUNIT_EXPECT_EQ(test, zdev->dma_mask, RS_LIMIT);
	KUNIT_EXPECT_TRUE(test, zpci_caps_refuse_dt(zdev, 2));
	KUNIT_EXPECT_EQ(test, zdev->dtsm, 0x40);
	KUNIT_EXPECT_EQ(test, zdev->end_dma, RT_LIMIT);
	KUNIT_EXPECT_EQ(test, zdev->dma_mask, RT_LIMIT);
	/* region-third is never refused away; a type not in effect is a no-op */
	KUNIT_EXPECT_TRUE(test, zpci_caps_refuse_dt(zdev, 1));
	KUNIT_EXPECT_TRUE(test, zpci_caps_refuse_dt(zdev, 3));
	KUNIT_EXPECT_EQ(test, zdev->dtsm, 0x40);
	KUNIT_EXPECT_EQ(test, zdev->end_dma, RT_LIMIT);

	/* region-second only: refused, region-third is assumed */
	grp.dtsm = 0x20;
	zdev = caps_zdev(test, &fn, &grp);
	KUNIT_EXPECT_TRUE(test, zpci_caps_refuse_dt(zdev, 2));
	KUNIT_EXPECT_EQ(test, zdev->dtsm, 0x40);
	KUNIT_EXPECT_EQ(test, zdev->end_dma, RT_LIMIT);

	/* a reported mask stays: the aperture is still inside it */
	grp.dasm = RS_LIMIT;
	zdev = caps_zdev(test, &fn, &grp);
	KUNIT_EXPECT_TRUE(test, zpci_caps_refuse_dt(zdev, 2));
	KUNIT_EXPECT_EQ(test, zdev->dma_mask, RS_LIMIT);
	KUNIT_EXPECT_EQ(test, zdev->caps_report.source[ZPCI_CAPS_DASM], CLP);

	/* an aperture that starts beyond region-third: nothing is left */
	grp.dasm = 0;
	fn.sdma = RT_LIMIT + 1;
	zdev = caps_zdev(test, &fn, &grp);
	KUNIT_EXPECT_FALSE(test, zpci_caps_refuse_dt(zdev, 2));
	KUNIT_EXPECT_GT(test, zdev->start_dma, zdev->end_dma);
	/* and it stays so */
	KUNIT_EXPECT_FALSE(test, zpci_caps_refuse_dt(zdev, 3));
}

/**
 * caps_limit_edma_test() - a kernel limit cuts edma and says so
 * @test: the test
 */
static void caps_limit_edma_test(struct kunit *test)
{
	struct clp_rsp_query_pci fn = QEMU_FN;
	struct clp_rsp_query_pci_grp grp = QEMU_GRP;
	struct zpci_dev *zdev;
	u8 *source;

	/* a valid edma, cut: limit; a higher limit changes nothing */
	fn.edma = QEMU_SDMA + SZ_1G - 1;
	zdev = caps_zdev(test, &fn, &grp);
	source = zdev->caps_report.source;
	zpci_caps_limit_edma(zdev, QEMU_SDMA + SZ_1G);
	KUNIT_EXPECT_EQ(test, zdev->end_dma, QEMU_SDMA + SZ_1G - 1);
	KUNIT_EXPECT_EQ(test, source[ZPCI_CAPS_EDMA], CLP);
	zpci_caps_limit_edma(zdev, QEMU_SDMA + SZ_256M - 1);
	KUNIT_EXPECT_EQ(test, zdev->end_dma, QEMU_SDMA + SZ_256M - 1);
	KUNIT_EXPECT_EQ(test, source[ZPCI_CAPS_EDMA], ZPCI_CAPS_SRC_LIMIT);
	KUNIT_EXPECT_EQ(test, zpci_caps_in_effect(zdev, ZPCI_CAPS_EDMA),
			QEMU_SDMA + SZ_256M - 1);
	KUNIT_EXPECT_EQ(test, zdev->caps_report.reported[ZPCI_CAPS_EDMA],
			QEMU_SDMA + SZ_1G - 1);

	/* QEMU's edma falls back to the table limit: it stays a fallback */
	fn.edma = QEMU_EDMA;
	zdev = caps_zdev(test, &fn, &grp);
	zpci_caps_limit_edma(zdev, QEMU_SDMA + SZ_1G - 1);
	KUNIT_EXPECT_EQ(test, zdev->end_dma, QEMU_SDMA + SZ_1G - 1);
	KUNIT_EXPECT_EQ(test, zdev->caps_report.source[ZPCI_CAPS_EDMA], FB);
}

/**
 * caps_in_effect_test() - the report reads what zpci_caps_apply() wrote
 * @test: the test; its parameter is a &struct caps_case
 *
 * For every case that is not refused, each field's value in effect as
 * the report shows it (zpci_caps_in_effect(), from the zdev fields) is
 * the decoded one, except noi, which is 0 when MSI was refused; the
 * report keeps the reported value and the source.
 */
static void caps_in_effect_test(struct kunit *test)
{
	const struct caps_case *c = test->param_value;
	struct zpci_caps *caps;
	struct zpci_dev *zdev;
	int i;

	if (c->rc)
		kunit_skip(test, "refused: no zdev fields are filled");
	caps = kunit_kzalloc(test, sizeof(*caps), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, caps);
	zdev = caps_zdev(test, &c->fn, &c->grp);
	zpci_caps_decode(&c->fn, &c->grp, 0, caps);

	for (i = 0; i < ZPCI_CAPS_NR_FIELDS; i++) {
		u64 eff = zpci_caps_get(caps, i);

		if (i == ZPCI_CAPS_NOI && (caps->flags & ZPCI_CAPS_F_NO_MSI))
			eff = 0;
		KUNIT_EXPECT_EQ_MSG(test, zpci_caps_in_effect(zdev, i), eff,
				    "%s: %s", c->desc, zpci_caps_field_name(i));
		KUNIT_EXPECT_EQ_MSG(test, zdev->caps_report.reported[i],
				    caps->val[i].reported, "%s: %s", c->desc,
				    zpci_caps_field_name(i));
		KUNIT_EXPECT_EQ_MSG(test, zdev->caps_report.source[i],
				    caps->val[i].source, "%s: %s", c->desc,
				    zpci_caps_field_name(i));
	}
	KUNIT_EXPECT_EQ(test, zdev->max_msi == 0,
			!!(caps->flags & ZPCI_CAPS_F_NO_MSI));
}

/**
 * caps_bus_speed_test() - bus speed derived from the version
 * @test: the test
 */
static void caps_bus_speed_test(struct kunit *test)
{
	static const struct clp_rsp_query_pci fn = QEMU_FN;
	struct clp_rsp_query_pci_grp grp = QEMU_GRP;
	struct zpci_caps *caps;

	caps = kunit_kzalloc(test, sizeof(*caps), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, caps);

	zpci_caps_decode(&fn, &grp, 0, caps);
	KUNIT_EXPECT_EQ(test, zpci_caps_bus_speed(caps), PCI_SPEED_UNKNOWN);
	grp.version = 1;
	zpci_caps_decode(&fn, &grp, 0, caps);
	KUNIT_EXPECT_EQ(test, zpci_caps_bus_speed(caps), PCIE_SPEED_5_0GT);
	grp.version = 2;
	zpci_caps_decode(&fn, &grp, 0, caps);
	KUNIT_EXPECT_EQ(test, zpci_caps_bus_speed(caps), PCI_SPEED_UNKNOWN);
}

/**
 * caps_names_test() - field names are unique, source names as documented
 * @test: the test
 */
static void caps_names_test(struct kunit *test)
{
	int i, j;

	for (i = 0; i < ZPCI_CAPS_NR_FIELDS; i++) {
		KUNIT_EXPECT_STRNEQ(test, zpci_caps_field_name(i), "?");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, zpci_caps_field_name(i),
					    zpci_caps_field_name(j));
	}
	KUNIT_EXPECT_STREQ(test, zpci_caps_field_name(ZPCI_CAPS_NR_FIELDS), "?");
	KUNIT_EXPECT_STREQ(test, zpci_caps_source_name(CLP), "clp");
	KUNIT_EXPECT_STREQ(test, zpci_caps_source_name(FB), "fallback");
	KUNIT_EXPECT_STREQ(test, zpci_caps_source_name(OVR), "override");
	KUNIT_EXPECT_STREQ(test, zpci_caps_source_name(ZPCI_CAPS_SRC_LIMIT),
			   "limit");
	KUNIT_EXPECT_STREQ(test, zpci_caps_source_name(ZPCI_CAPS_SRC_LIMIT + 1),
			   "?");
}

struct msi_vecs_case {
	const char *desc;
	unsigned int noi, dnoi, nvec;
	bool directed;
	unsigned int vecs;	/* expected: vectors allowed */
};

static const struct msi_vecs_case msi_vecs_cases[] = {
	{ .desc = "floating: nvec below noi", .noi = 64, .dnoi = 0,
	  .nvec = 8, .vecs = 8 },
	{ .desc = "floating: noi limits", .noi = 4, .dnoi = 64,
	  .nvec = 8, .vecs = 4 },
	{ .desc = "floating: dnoi does not limit", .noi = 64, .dnoi = 2,
	  .nvec = 8, .vecs = 8 },
	{ .desc = "floating: noi 0 (MSI refused)", .noi = 0, .dnoi = 64,
	  .nvec = 8, .vecs = 0 },
	{ .desc = "directed: nvec below both", .noi = 64, .dnoi = 32,
	  .nvec = 8, .directed = true, .vecs = 8 },
	{ .desc = "directed: dnoi limits", .noi = 64, .dnoi = 2,
	  .nvec = 8, .directed = true, .vecs = 2 },
	{ .desc = "directed: noi limits", .noi = 4, .dnoi = 64,
	  .nvec = 8, .directed = true, .vecs = 4 },
	{ .desc = "directed: dnoi 0 (no directed interrupts)", .noi = 64,
	  .dnoi = 0, .nvec = 8, .directed = true, .vecs = 0 },
	{ .desc = "directed: noi 0 (MSI refused)", .noi = 0, .dnoi = 64,
	  .nvec = 8, .directed = true, .vecs = 0 },
	{ .desc = "directed: both at the maximum", .noi = ZPCI_CAPS_MSI_MAX,
	  .dnoi = ZPCI_CAPS_MSI_MAX, .nvec = ZPCI_CAPS_MSI_MAX + 1,
	  .directed = true, .vecs = ZPCI_CAPS_MSI_MAX },
};

KUNIT_ARRAY_PARAM_DESC(msi_vecs, msi_vecs_cases, desc);

/**
 * msi_vecs_test() - MSI vectors a function is given: noi, and dnoi too
 * when interrupts are delivered directed
 * @test: the test
 */
static void msi_vecs_test(struct kunit *test)
{
	const struct msi_vecs_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, zpci_msi_vecs_allowed(c->noi, c->dnoi,
							c->directed, c->nvec),
			    c->vecs, "noi %u dnoi %u %s nvec %u", c->noi,
			    c->dnoi, c->directed ? "directed" : "floating",
			    c->nvec);
}

struct fallback_case {
	const char *desc;
	enum zpci_caps_field field;
	struct zpci_caps_value v;
	bool expected;		/* zpci_caps_fallback_expected() */
	const char *str;	/* zpci_caps_fallback_str() */
};

#define FBV(_rep, _eff)	{ .reported = (_rep), .effective = (_eff), .source = FB }

static const struct fallback_case fallback_cases[] = {
	{ "edma beyond the tables", ZPCI_CAPS_EDMA, FBV(QEMU_EDMA, RT_LIMIT),
	  true, " edma 0x1ffffffffffffff->0x3ffffffffff" },
	{ "edma U64_MAX", ZPCI_CAPS_EDMA, FBV(U64_MAX, RT_LIMIT), true, NULL },
	{ "edma + 1 unaligned", ZPCI_CAPS_EDMA,
	  FBV(0x100000007ffULL, 0xffffffffffULL), false, NULL },
	{ "dasm 0", ZPCI_CAPS_DASM, FBV(0, RT_LIMIT), true,
	  " dasm 0x0->0x3ffffffffff" },
	{ "dasm not a mask", ZPCI_CAPS_DASM, FBV(0x1234, RT_LIMIT), false, NULL },
	{ "dtsm 0", ZPCI_CAPS_DTSM, FBV(0, 0x40), true, " dtsm 0x0->0x40" },
	{ "mui 0", ZPCI_CAPS_MUI, FBV(0, 4000), true, " mui 0->4000" },
	{ "version 0", ZPCI_CAPS_VERSION, FBV(0, 0), true, " version 0 (unknown)" },
	{ "version 255", ZPCI_CAPS_VERSION, FBV(255, 255), false, NULL },
	{ "dtsm reserved bits only", ZPCI_CAPS_DTSM, FBV(0x0f, 0x40), false, NULL },
	{ "dtsm segment table only", ZPCI_CAPS_DTSM, FBV(0x80, 0x40), false, NULL },
	{ "sdma unaligned", ZPCI_CAPS_SDMA, FBV(0x100000800ULL, 0x100001000ULL),
	  false, NULL },
	{ "maxstbl 0", ZPCI_CAPS_MAXSTBL, FBV(0, 8), false, " maxstbl 0->8" },
	{ "noi 4095", ZPCI_CAPS_NOI, FBV(4095, 2048), false, NULL },
	{ "bar size 63", ZPCI_CAPS_BAR4_SIZE, FBV(63, 0), false,
	  " bar4_size 63->0" },
	{ "empty utility string", ZPCI_CAPS_UTIL_STR, FBV(1, 0), false, NULL },
};

KUNIT_ARRAY_PARAM_DESC(fallback, fallback_cases, desc);

/**
 * fallback_test() - expected and impossible fallbacks, and their text
 * @test: the test; its parameter is a &struct fallback_case
 */
static void fallback_test(struct kunit *test)
{
	const struct fallback_case *c = test->param_value;
	char buf[96];

	KUNIT_EXPECT_EQ_MSG(test, zpci_caps_fallback_expected(c->field, &c->v),
			    c->expected, "%s", c->desc);
	if (!c->str)
		return;
	zpci_caps_fallback_str(buf, sizeof(buf), c->field, &c->v);
	KUNIT_EXPECT_STREQ(test, buf, c->str);
}

/**
 * fallback_str_len_test() - no field's fallback text is longer than
 *	ZPCI_CAPS_FALLBACK_STR_LEN, which the messages are sized by
 * @test: the test
 */
static void fallback_str_len_test(struct kunit *test)
{
	const struct zpci_caps_value v[] = {
		{ .reported = U64_MAX, .effective = U64_MAX - 1 },
		{ .reported = U64_MAX, .effective = U64_MAX },
	};
	char buf[2 * ZPCI_CAPS_FALLBACK_STR_LEN];
	unsigned int i, j;
	size_t len;

	for (i = 0; i < ZPCI_CAPS_NR_FIELDS; i++) {
		for (j = 0; j < ARRAY_SIZE(v); j++) {
			len = zpci_caps_fallback_str(buf, sizeof(buf), i, &v[j]);
			KUNIT_EXPECT_LE_MSG(test, len, ZPCI_CAPS_FALLBACK_STR_LEN,
					    "%s", buf);
		}
	}
}

/**
 * seen_summary_len_test() - a summary line as short as the API allows
 *	holds one outcome at its longest and the whole " ..." of a cut
 * @test: the test
 */
static void seen_summary_len_test(struct kunit *test)
{
	const struct zpci_caps_seen_entry longest = {
		.reported = U64_MAX, .effective = U64_MAX - 1, .group = 0xff,
		.field = ZPCI_CAPS_BAR0_SIZE, .repeats = UINT_MAX,
	};
	const char *cut =
		" bar0_size 18446744073709551615->18446744073709551614 x4294967295 ...";
	const char *rest =
		" bar1_size 18446744073709551615->18446744073709551614 x4294967295";
	char buf[ZPCI_CAPS_SEEN_OUTCOME_LEN + 1];
	struct zpci_caps_seen *seen;

	seen = kunit_kzalloc(test, sizeof(*seen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	seen->entry[0] = longest;
	seen->entry[1] = longest;
	seen->entry[1].field = ZPCI_CAPS_BAR1_SIZE;
	seen->nr = 2;

	KUNIT_EXPECT_EQ(test, zpci_caps_seen_summary(seen, buf, sizeof(buf)), 0xff);
	KUNIT_EXPECT_STREQ(test, buf, cut);
	KUNIT_EXPECT_EQ(test, seen->nr, 1);
	KUNIT_EXPECT_EQ(test, zpci_caps_seen_summary(seen, buf, sizeof(buf)), 0xff);
	KUNIT_EXPECT_STREQ(test, buf, rest);
	KUNIT_EXPECT_EQ(test, seen->nr, 0);
}

#define QEMU_QUIET	(BIT(ZPCI_CAPS_EDMA) | BIT(ZPCI_CAPS_DASM) | \
			 BIT(ZPCI_CAPS_VERSION))

/**
 * caps_quiet_decode() - decode a response pair and note its fallbacks
 * @test: the test
 * @seen: the outcomes printed so far
 * @fn: raw query-function response
 * @grp: raw query-group response
 *
 * Return: the fallbacks zpci_caps_quiet() leaves out.
 */
static unsigned long caps_quiet_decode(struct kunit *test,
				       struct zpci_caps_seen *seen,
				       const struct clp_rsp_query_pci *fn,
				       const struct clp_rsp_query_pci_grp *grp)
{
	struct zpci_caps *caps;

	caps = kunit_kzalloc(test, sizeof(*caps), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, caps);
	zpci_caps_decode(fn, grp, 0, caps);
	return zpci_caps_quiet(seen, caps);
}

/**
 * caps_quiet_test() - expected fallbacks are left to one line per group,
 * counted; impossible values are printed for every function
 * @test: the test
 */
static void caps_quiet_test(struct kunit *test)
{
	const struct clp_rsp_query_pci fn = QEMU_FN;
	const struct clp_rsp_query_pci_grp grp = QEMU_GRP;
	const struct clp_rsp_query_pci_grp bad_dasm = QEMU_GRP_DASM(0x1234);
	struct clp_rsp_query_pci fn_f0 = QEMU_FN;
	struct zpci_caps_seen *seen;
	unsigned int nr;
	char buf[100];

	seen = kunit_kzalloc(test, sizeof(*seen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	fn_f0.pfgid = 0xf0;

	KUNIT_EXPECT_EQ(test, caps_quiet_decode(test, seen, &fn, &grp), QEMU_QUIET);
	KUNIT_EXPECT_EQ(test, caps_quiet_decode(test, seen, &fn, &grp), QEMU_QUIET);
	KUNIT_EXPECT_EQ(test, caps_quiet_decode(test, seen, &fn, &grp), QEMU_QUIET);
	/* another group: counted for its own line */
	KUNIT_EXPECT_EQ(test, caps_quiet_decode(test, seen, &fn_f0, &grp), QEMU_QUIET);
	/* an impossible dasm is printed for every function */
	KUNIT_EXPECT_EQ(test, caps_quiet_decode(test, seen, &fn, &bad_dasm),
			BIT(ZPCI_CAPS_EDMA) | BIT(ZPCI_CAPS_VERSION));
	KUNIT_EXPECT_EQ(test, caps_quiet_decode(test, seen, &fn, &bad_dasm),
			BIT(ZPCI_CAPS_EDMA) | BIT(ZPCI_CAPS_VERSION));

	/* while full, an outcome counted before is counted, a new one printed */
	nr = seen->nr;
	KUNIT_EXPECT_EQ(test, nr, 6);
	seen->nr = ZPCI_CAPS_NR_SEEN;
	KUNIT_EXPECT_EQ(test, caps_quiet_decode(test, seen, &fn, &bad_dasm),
			BIT(ZPCI_CAPS_EDMA) | BIT(ZPCI_CAPS_VERSION));
	fn_f0.pfgid = 0xf1;
	KUNIT_EXPECT_EQ(test, caps_quiet_decode(test, seen, &fn_f0, &grp), 0);
	seen->nr = nr;

	/*
	 * Lines per group, in the order first met; a line too short for its
	 * group ends with " ..." and the next gives the rest; then none, and
	 * the table is empty for the outcomes to come.
	 */
	KUNIT_EXPECT_EQ(test, zpci_caps_seen_summary(seen, buf, sizeof(buf)), 0xff);
	KUNIT_EXPECT_STREQ(test, buf, " edma 0x1ffffffffffffff->0x3ffffffffff x6 ...");
	KUNIT_EXPECT_EQ(test, zpci_caps_seen_summary(seen, buf, sizeof(buf)), 0xff);
	KUNIT_EXPECT_STREQ(test, buf, " dasm 0x0->0x3ffffffffff x3 version 0 (unknown) x6");
	KUNIT_EXPECT_EQ(test, zpci_caps_seen_summary(seen, buf, sizeof(buf)), 0xf0);
	KUNIT_EXPECT_STREQ(test, buf, " edma 0x1ffffffffffffff->0x3ffffffffff x1 ...");
	KUNIT_EXPECT_EQ(test, zpci_caps_seen_summary(seen, buf, sizeof(buf)), 0xf0);
	KUNIT_EXPECT_STREQ(test, buf, " dasm 0x0->0x3ffffffffff x1 version 0 (unknown) x1");
	KUNIT_EXPECT_EQ(test, zpci_caps_seen_summary(seen, buf, sizeof(buf)), -ENOENT);
	KUNIT_EXPECT_STREQ(test, buf, "");
	KUNIT_EXPECT_EQ(test, seen->nr, 0);
}

static struct kunit_case zpci_caps_test_cases[] = {
	KUNIT_CASE_PARAM(caps_decode_test, caps_decode_gen_params),
	KUNIT_CASE(caps_dt_limit_test),
	KUNIT_CASE(caps_table_dt_test),
	KUNIT_CASE(caps_refuse_dt_test),
	KUNIT_CASE(caps_limit_edma_test),
	KUNIT_CASE_PARAM(caps_in_effect_test, caps_decode_gen_params),
	KUNIT_CASE(caps_bus_speed_test),
	KUNIT_CASE(caps_names_test),
	KUNIT_CASE_PARAM(msi_vecs_test, msi_vecs_gen_params),
	KUNIT_CASE_PARAM(fallback_test, fallback_gen_params),
	KUNIT_CASE(fallback_str_len_test),
	KUNIT_CASE(seen_summary_len_test),
	KUNIT_CASE(caps_quiet_test),
	{}
};

static struct kunit_suite zpci_caps_test_suite = {
	.name = "zpci_caps",
	.test_cases = zpci_caps_test_cases,
};

kunit_test_suite(zpci_caps_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the zPCI CLP capability layer");
MODULE_LICENSE("GPL");
