/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zPCI capability layer: the CLP query-function and query-group responses
 * decoded once, validated, and kept as the values in effect.
 *
 * See Documentation/arch/s390/zpci-clp.rst for the rule behind every field.
 */
#ifndef _ASM_S390_PCI_CAPS_H
#define _ASM_S390_PCI_CAPS_H

#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/pci_regs.h>
#include <asm/pci_clp.h>
#include <asm/pci_dma.h>

struct zpci_dev;
struct dentry;

/**
 * enum zpci_caps_source - where the value in effect comes from
 * @ZPCI_CAPS_SRC_CLP: the value reported by CLP, accepted
 * @ZPCI_CAPS_SRC_FALLBACK: the reported value was absent or impossible;
 *	the layer clamped it or used a documented default
 * @ZPCI_CAPS_SRC_OVERRIDE: the raw response field was replaced by a
 *	test-only injection hook before decoding and then accepted
 * @ZPCI_CAPS_SRC_LIMIT: a kernel limit (s390_iommu_aperture=) keeps the
 *	value in effect below the validated one
 */
enum zpci_caps_source {
	ZPCI_CAPS_SRC_CLP,
	ZPCI_CAPS_SRC_FALLBACK,
	ZPCI_CAPS_SRC_OVERRIDE,
	ZPCI_CAPS_SRC_LIMIT,
};

/**
 * enum zpci_caps_field - the CLP values the layer decodes
 * @ZPCI_CAPS_SDMA: start of the DMA aperture (query function)
 * @ZPCI_CAPS_EDMA: last address of the DMA aperture (query function)
 * @ZPCI_CAPS_DASM: DMA address-space mask (query group)
 * @ZPCI_CAPS_DTSM: supported designation types, bit 0x80 >> dt (group)
 * @ZPCI_CAPS_FRAME: large (1 MiB) frames supported (group)
 * @ZPCI_CAPS_REFRESH: TLB refresh mode (group)
 * @ZPCI_CAPS_RTR: relaxed translation allowed (group)
 * @ZPCI_CAPS_NOI: number of MSI interrupts (group)
 * @ZPCI_CAPS_DNOI: number of directed interrupts (group)
 * @ZPCI_CAPS_MSIA: MSI address (group)
 * @ZPCI_CAPS_MAXSTBL: maximum store-block length in bytes (group)
 * @ZPCI_CAPS_MUI: measurement update interval in ms (group)
 * @ZPCI_CAPS_VERSION: PCI version code (group)
 * @ZPCI_CAPS_FMB_LEN: function measurement block length in bytes (function)
 * @ZPCI_CAPS_BAR0_SIZE: BAR 0 size exponent (function), BARs 1-5 follow
 * @ZPCI_CAPS_BAR1_SIZE: BAR 1 size exponent
 * @ZPCI_CAPS_BAR2_SIZE: BAR 2 size exponent
 * @ZPCI_CAPS_BAR3_SIZE: BAR 3 size exponent
 * @ZPCI_CAPS_BAR4_SIZE: BAR 4 size exponent
 * @ZPCI_CAPS_BAR5_SIZE: BAR 5 size exponent
 * @ZPCI_CAPS_UTIL_STR: utility string available (function)
 * @ZPCI_CAPS_PFIP: function internal path, four segments (function)
 * @ZPCI_CAPS_PFGID: function group id (function)
 * @ZPCI_CAPS_UID: user-defined function id, the PCI domain with UID
 *	checking on (function)
 * @ZPCI_CAPS_NR_FIELDS: number of fields
 */
enum zpci_caps_field {
	ZPCI_CAPS_SDMA,
	ZPCI_CAPS_EDMA,
	ZPCI_CAPS_DASM,
	ZPCI_CAPS_DTSM,
	ZPCI_CAPS_FRAME,
	ZPCI_CAPS_REFRESH,
	ZPCI_CAPS_RTR,
	ZPCI_CAPS_NOI,
	ZPCI_CAPS_DNOI,
	ZPCI_CAPS_MSIA,
	ZPCI_CAPS_MAXSTBL,
	ZPCI_CAPS_MUI,
	ZPCI_CAPS_VERSION,
	ZPCI_CAPS_FMB_LEN,
	ZPCI_CAPS_BAR0_SIZE,
	ZPCI_CAPS_BAR1_SIZE,
	ZPCI_CAPS_BAR2_SIZE,
	ZPCI_CAPS_BAR3_SIZE,
	ZPCI_CAPS_BAR4_SIZE,
	ZPCI_CAPS_BAR5_SIZE,
	ZPCI_CAPS_UTIL_STR,
	ZPCI_CAPS_PFIP,
	ZPCI_CAPS_PFGID,
	ZPCI_CAPS_UID,
	ZPCI_CAPS_NR_FIELDS,
};

/* Outcome flags in struct zpci_caps.flags */
#define ZPCI_CAPS_F_REFUSED	BIT(0)	/* function cannot be used */
#define ZPCI_CAPS_F_NO_MSI	BIT(1)	/* MSI/MSI-X impossible */
#define ZPCI_CAPS_F_NO_FMB	BIT(2)	/* function measurement refused */

/*
 * Designation type assumed when the group offers none the guest builds
 * (region-third: what Linux always built, the one type QEMU 7.2 takes)
 */
#define ZPCI_CAPS_GUEST_DT	ZPCI_IOTA_RTTO
#define ZPCI_CAPS_GUEST_DTSM	ZPCI_DTSM_BIT(ZPCI_CAPS_GUEST_DT)
/* Types the guest builds tables for: region-third, -second and -first */
#define ZPCI_CAPS_BUILT_DTSM	(ZPCI_DTSM_BIT(ZPCI_IOTA_RTTO) | \
				 ZPCI_DTSM_BIT(ZPCI_IOTA_RSTO) | \
				 ZPCI_DTSM_BIT(ZPCI_IOTA_RFTO))

/**
 * zpci_caps_dtsm_in_effect() - the designation types the guest may build
 * @dtsm: a dtsm mask: as reported, or as left after a refused type
 *
 * Return: the region-table types of @dtsm (region-third, -second,
 * -first), or region-third alone when it has none of them.
 */
static inline u8 zpci_caps_dtsm_in_effect(u8 dtsm)
{
	return (dtsm & ZPCI_CAPS_BUILT_DTSM) ?: ZPCI_CAPS_GUEST_DTSM;
}

/**
 * zpci_caps_largest_dt() - the designation type of largest capacity in a mask
 * @dtsm: a non-empty mask of ZPCI_DTSM_BIT() bits
 *
 * Return: the designation type (the lowest bit set is the largest type).
 */
static inline unsigned int zpci_caps_largest_dt(u8 dtsm)
{
	return 7 - __ffs(dtsm);
}

/**
 * zpci_caps_dasm_covering() - the address-space mask derived from an aperture
 * @end: last DMA address of the aperture
 *
 * Return: the smallest 2^n - 1 mask that covers @end, 0 for an @end of 0:
 * the mask in effect when the group reports none that is usable.
 */
static inline u64 zpci_caps_dasm_covering(u64 end)
{
	return end ? GENMASK_ULL(fls64(end) - 1, 0) : 0;
}

/* Vectors one function's adapter-interrupt vector can serve (MSI-X max) */
#define ZPCI_CAPS_MSI_MAX	(PCI_MSIX_FLAGS_QSIZE + 1)

/* Measurement update interval used when CLP reports 0 (ms) */
#define ZPCI_CAPS_DEFAULT_MUI	4000

/* Number of function group ids */
#define ZPCI_CAPS_NR_GROUPS	256

/**
 * struct zpci_caps_value - one decoded CLP field
 * @reported: the value in the raw CLP response (after any override)
 * @effective: the value in effect after validation
 * @source: where @effective comes from
 */
struct zpci_caps_value {
	u64 reported;
	u64 effective;
	enum zpci_caps_source source;
};

/**
 * struct zpci_caps - the result of decoding a function's CLP responses
 * @val: one entry per &enum zpci_caps_field
 * @flags: ZPCI_CAPS_F_* outcome flags
 *
 * Transient: zpci_caps_apply() puts the values in effect into the zdev
 * fields, which every consumer reads, and keeps in &struct
 * zpci_caps_report only what the report adds to them.
 */
struct zpci_caps {
	struct zpci_caps_value val[ZPCI_CAPS_NR_FIELDS];
	unsigned int flags;
};

/**
 * struct zpci_caps_report - what the report shows beside the zdev fields
 * @reported: per &enum zpci_caps_field, the value in the raw CLP response
 * @source: per field, the &enum zpci_caps_source of the value in effect
 *
 * The values in effect are the zdev fields (zpci_caps_in_effect()).
 */
struct zpci_caps_report {
	u64 reported[ZPCI_CAPS_NR_FIELDS];
	u8 source[ZPCI_CAPS_NR_FIELDS];
};

/* Expected fallbacks counted until the group lines; more are printed */
#define ZPCI_CAPS_NR_SEEN	32

/**
 * struct zpci_caps_seen_entry - one expected fallback of a group
 * @reported: the reported value
 * @effective: the value used
 * @group: pfgid of the functions
 * @field: the &enum zpci_caps_field
 * @repeats: functions with this fallback not yet in a group line
 */
struct zpci_caps_seen_entry {
	u64 reported;
	u64 effective;
	u16 group;
	u8 field;
	unsigned int repeats;
};

/**
 * struct zpci_caps_seen - the expected fallbacks not yet printed
 * @entry: one entry per outcome, in the order first met
 * @nr: entries in use
 */
struct zpci_caps_seen {
	struct zpci_caps_seen_entry entry[ZPCI_CAPS_NR_SEEN];
	unsigned int nr;
};

/**
 * zpci_caps_get() - the value in effect of one decoded field
 * @caps: decoded capabilities
 * @field: the field
 *
 * Return: the validated value in effect.
 */
static inline u64 zpci_caps_get(const struct zpci_caps *caps,
				enum zpci_caps_field field)
{
	return caps->val[field].effective;
}

/*
 * Characters, without the NUL, of the longest text zpci_caps_fallback_str()
 * gives (the longest field name, two 64-bit values in decimal), and of the
 * most one outcome adds to a line of zpci_caps_seen_summary() (that text,
 * its count and the " ..." of a cut line)
 */
#define ZPCI_CAPS_FALLBACK_STR_LEN \
	(sizeof(" bar0_size 18446744073709551615->18446744073709551615") - 1)
#define ZPCI_CAPS_SEEN_OUTCOME_LEN \
	(ZPCI_CAPS_FALLBACK_STR_LEN + sizeof(" x4294967295 ...") - 1)

/* Decode, validate, apply; no CLP request, allocation, message (pci_caps.c) */
int zpci_caps_decode(const struct clp_rsp_query_pci *fn,
		     const struct clp_rsp_query_pci_grp *grp,
		     unsigned long override, struct zpci_caps *caps);
const char *zpci_caps_field_name(enum zpci_caps_field field);
const char *zpci_caps_source_name(enum zpci_caps_source source);
bool zpci_caps_field_is_hex(enum zpci_caps_field field);
void zpci_caps_apply(struct zpci_dev *zdev, const struct zpci_caps *caps,
		     const struct clp_rsp_query_pci *fn);
u64 zpci_caps_in_effect(const struct zpci_dev *zdev, enum zpci_caps_field field);
int zpci_caps_bus_speed(const struct zpci_caps *caps);
u64 zpci_caps_dt_limit(unsigned int dt);
bool zpci_caps_fallback_expected(enum zpci_caps_field field,
				 const struct zpci_caps_value *v);
int zpci_caps_fallback_str(char *buf, size_t size, enum zpci_caps_field field,
			   const struct zpci_caps_value *v);
unsigned long zpci_caps_quiet(struct zpci_caps_seen *seen,
			      const struct zpci_caps *caps);
int zpci_caps_seen_summary(struct zpci_caps_seen *seen, char *buf,
			   size_t size);

/* Glue: group cache, messages, zdev update (pci_caps_setup.c) */
int zpci_caps_setup(struct zpci_dev *zdev, struct clp_rsp_query_pci *fn);

/* Table types: choice, refusal, the hypervisor's answer (pci_caps_table.c) */
unsigned int zpci_caps_table_dt(u8 dtsm, u64 end);
bool zpci_caps_refuse_dt(struct zpci_dev *zdev, unsigned int dt);
void zpci_caps_limit_edma(struct zpci_dev *zdev, u64 end);
void zpci_caps_probe_table(struct zpci_dev *zdev);

/* Group-cache counters, for debugfs pci/clp_groups (pci_caps_setup.c) */
void zpci_caps_group_stats(u64 *issued, u64 *saved, u64 *failed,
			   unsigned int *cached);

/*
 * Override hook points (CONFIG_ZPCI_CLP_OVERRIDE, testing only,
 * pci_clp_override.c): replace fields of the raw responses before decoding
 * and return a mask of BIT(enum zpci_caps_field) for the fields replaced;
 * those are then reported with source ZPCI_CAPS_SRC_OVERRIDE.  Without the
 * option they do nothing and cost nothing.
 */
#ifdef CONFIG_ZPCI_CLP_OVERRIDE
unsigned long zpci_caps_inject_fn(u32 fid, struct clp_rsp_query_pci *fn);
unsigned long zpci_caps_inject_grp(u32 fid, u8 pfgid,
				   struct clp_rsp_query_pci_grp *grp);
void zpci_clp_override_debugfs_init(struct dentry *root);
#else
static inline unsigned long zpci_caps_inject_fn(u32 fid,
						struct clp_rsp_query_pci *fn)
{
	return 0;
}

static inline unsigned long zpci_caps_inject_grp(u32 fid, u8 pfgid,
						 struct clp_rsp_query_pci_grp *grp)
{
	return 0;
}

static inline void zpci_clp_override_debugfs_init(struct dentry *root)
{
}
#endif

#endif /* _ASM_S390_PCI_CAPS_H */
