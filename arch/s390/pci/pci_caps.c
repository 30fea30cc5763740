// SPDX-License-Identifier: GPL-2.0
/*
 * zPCI capability layer: decode and validate the CLP query-function and
 * query-group responses into the values in effect.
 *
 * Everything in this file is pure: no CLP request, no allocation, no
 * message; it writes only the structures it is given (a decode result, or
 * the zdev fields that hold the values in effect).  The rules are those
 * of Documentation/arch/s390/zpci-clp.rst.
 *
 * Copyright IBM Corp. 2026
 */

#define KMSG_COMPONENT "zpci"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/kernel.h>
#include <linux/align.h>
#include <linux/bitops.h>
#include <linux/string.h>
#include <linux/pci.h>
#include <kunit/visibility.h>
#include <asm/pci.h>
#include <asm/pci_caps.h>
#include <asm/pci_dma.h>
#include <asm/pci_io.h>

/**
 * struct zpci_caps_field_info - how a field is named and printed
 * @name: field name in debugfs and messages
 * @hex: print the field in hexadecimal (addresses, masks)
 */
struct zpci_caps_field_info {
	const char *name;
	bool hex;
};

static const struct zpci_caps_field_info zpci_caps_fields[ZPCI_CAPS_NR_FIELDS] = {
	[ZPCI_CAPS_SDMA]	= { "sdma", true },
	[ZPCI_CAPS_EDMA]	= { "edma", true },
	[ZPCI_CAPS_DASM]	= { "dasm", true },
	[ZPCI_CAPS_DTSM]	= { "dtsm", true },
	[ZPCI_CAPS_FRAME]	= { "frame", false },
	[ZPCI_CAPS_REFRESH]	= { "refresh", false },
	[ZPCI_CAPS_RTR]		= { "rtr", false },
	[ZPCI_CAPS_NOI]		= { "noi", false },
	[ZPCI_CAPS_DNOI]	= { "dnoi", false },
	[ZPCI_CAPS_MSIA]	= { "msia", true },
	[ZPCI_CAPS_MAXSTBL]	= { "maxstbl", false },
	[ZPCI_CAPS_MUI]		= { "mui", false },
	[ZPCI_CAPS_VERSION]	= { "version", false },
	[ZPCI_CAPS_FMB_LEN]	= { "fmb_len", false },
	[ZPCI_CAPS_BAR0_SIZE]	= { "bar0_size", false },
	[ZPCI_CAPS_BAR1_SIZE]	= { "bar1_size", false },
	[ZPCI_CAPS_BAR2_SIZE]	= { "bar2_size", false },
	[ZPCI_CAPS_BAR3_SIZE]	= { "bar3_size", false },
	[ZPCI_CAPS_BAR4_SIZE]	= { "bar4_size", false },
	[ZPCI_CAPS_BAR5_SIZE]	= { "bar5_size", false },
	[ZPCI_CAPS_UTIL_STR]	= { "util_str", false },
	[ZPCI_CAPS_PFIP]	= { "pfip", true },
	[ZPCI_CAPS_PFGID]	= { "pfgid", true },
	[ZPCI_CAPS_UID]		= { "uid", true },
};

static const char * const zpci_caps_sources[] = {
	[ZPCI_CAPS_SRC_CLP]	 = "clp",
	[ZPCI_CAPS_SRC_FALLBACK] = "fallback",
	[ZPCI_CAPS_SRC_OVERRIDE] = "override",
	[ZPCI_CAPS_SRC_LIMIT]	 = "limit",
};

/**
 * zpci_caps_field_name() - name of a capability field
 * @field: the field
 *
 * Return: the name used in debugfs and in messages, "?" if out of range.
 */
const char *zpci_caps_field_name(enum zpci_caps_field field)
{
	if (field >= ZPCI_CAPS_NR_FIELDS)
		return "?";
	return zpci_caps_fields[field].name;
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_field_name);

/**
 * zpci_caps_field_is_hex() - whether a field is printed in hexadecimal
 * @field: the field
 *
 * Return: true for addresses and masks, false for counts and sizes.
 */
bool zpci_caps_field_is_hex(enum zpci_caps_field field)
{
	return field < ZPCI_CAPS_NR_FIELDS && zpci_caps_fields[field].hex;
}

/**
 * zpci_caps_source_name() - name of a value source
 * @source: the source
 *
 * Return: "clp", "fallback", "override" or "limit"; "?" if out of range.
 */
const char *zpci_caps_source_name(enum zpci_caps_source source)
{
	if (source >= ARRAY_SIZE(zpci_caps_sources))
		return "?";
	return zpci_caps_sources[source];
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_source_name);

/**
 * zpci_caps_dt_limit() - last I/O address a translation-table type covers
 * @dt: designation type (0 segment, 1 region-third, 2 region-second,
 *	3 region-first table)
 *
 * Return: the highest I/O address the table type translates, 0 for an
 * unknown type.
 */
u64 zpci_caps_dt_limit(unsigned int dt)
{
	switch (dt) {
	case ZPCI_IOTA_STO:
		return BIT_ULL(ZPCI_ST_SHIFT + ZPCI_TABLE_BITS) - 1;
	case ZPCI_IOTA_RTTO:
		return ZPCI_TABLE_SIZE_RT - 1;
	case ZPCI_IOTA_RSTO:
		return ZPCI_TABLE_SIZE_RS - 1;
	case ZPCI_IOTA_RFTO:
		return U64_MAX;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_dt_limit);

/**
 * zpci_caps_bus_speed() - PCI bus speed implied by the version in effect
 * @caps: decoded capabilities
 *
 * Return: the &enum pci_bus_speed for a known version code,
 * PCI_SPEED_UNKNOWN otherwise.
 */
int zpci_caps_bus_speed(const struct zpci_caps *caps)
{
	switch (zpci_caps_get(caps, ZPCI_CAPS_VERSION)) {
	case 1:
		return PCIE_SPEED_5_0GT;
	default:
		return PCI_SPEED_UNKNOWN;
	}
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_bus_speed);

/**
 * caps_set() - record one decoded field
 * @caps: decoded capabilities
 * @field: the field
 * @reported: value in the raw response
 * @effective: value in effect
 * @source: where @effective comes from
 */
static void caps_set(struct zpci_caps *caps, enum zpci_caps_field field,
		     u64 reported, u64 effective, enum zpci_caps_source source)
{
	caps->val[field].reported = reported;
	caps->val[field].effective = effective;
	caps->val[field].source = source;
}

/**
 * caps_accept() - record a field whose reported value is used unchanged
 * @caps: decoded capabilities
 * @field: the field
 * @value: the reported value
 */
static void caps_accept(struct zpci_caps *caps, enum zpci_caps_field field,
			u64 value)
{
	caps_set(caps, field, value, value, ZPCI_CAPS_SRC_CLP);
}

/**
 * caps_src() - source of a value that may have fallen back
 * @fallback: the value was replaced
 *
 * Return: ZPCI_CAPS_SRC_FALLBACK if @fallback, else ZPCI_CAPS_SRC_CLP.
 */
static enum zpci_caps_source caps_src(bool fallback)
{
	return fallback ? ZPCI_CAPS_SRC_FALLBACK : ZPCI_CAPS_SRC_CLP;
}

/**
 * caps_decode_dma() - decode sdma, edma and dasm
 * @fn: raw query-function response
 * @grp: raw query-group response
 * @caps: decoded capabilities
 *
 * Keeps the DMA aperture inside the capacity of the largest table type in
 * effect and inside the mask, page aligned; sets ZPCI_CAPS_F_REFUSED if
 * no page remains.
 */
static void caps_decode_dma(const struct clp_rsp_query_pci *fn,
			    const struct clp_rsp_query_pci_grp *grp,
			    struct zpci_caps *caps)
{
	u8 dtsm = zpci_caps_dtsm_in_effect(grp->dtsm);
	u64 limit = zpci_caps_dt_limit(zpci_caps_largest_dt(dtsm));
	u64 sdma = fn->sdma, edma = fn->edma, dasm = grp->dasm;
	bool start_fb = false, end_fb = false, mask_fb = false;
	bool empty = false;
	u64 start, end, mask;

	end = edma;
	if (end > limit) {
		end = limit;
		end_fb = true;
	}
	/* a usable mask covers the low-order bits: 2^n - 1 */
	mask_fb = !dasm || (dasm & (dasm + 1));
	if (!mask_fb && end > dasm) {
		end = dasm;
		end_fb = true;
	}
	if (end != U64_MAX && !IS_ALIGNED(end + 1, PAGE_SIZE)) {
		if (end < PAGE_SIZE - 1) {
			empty = true;
		} else {
			end = ALIGN_DOWN(end + 1, PAGE_SIZE) - 1;
			end_fb = true;
		}
	}

	start = sdma;
	if (!PAGE_ALIGNED(start)) {
		if (start > U64_MAX - PAGE_SIZE + 1) {
			empty = true;
		} else {
			start = ALIGN(start, PAGE_SIZE);
			start_fb = true;
		}
	}
	if (empty || start > end)
		caps->flags |= ZPCI_CAPS_F_REFUSED;

	if (mask_fb)
		mask = zpci_caps_dasm_covering(end);
	else
		mask = dasm;

	caps_set(caps, ZPCI_CAPS_SDMA, sdma, start, caps_src(start_fb));
	caps_set(caps, ZPCI_CAPS_EDMA, edma, end, caps_src(end_fb));
	caps_set(caps, ZPCI_CAPS_DASM, dasm, mask, caps_src(mask_fb));
}

/**
 * caps_decode_msi() - decode noi, dnoi and msia
 * @grp: raw query-group response
 * @caps: decoded capabilities
 *
 * Clamps the interrupt counts; sets ZPCI_CAPS_F_NO_MSI if noi or msia is 0.
 * dnoi 0 is kept: it limits only this host's own MSI setup where
 * interrupts are delivered directed, not a guest KVM interprets.
 */
static void caps_decode_msi(const struct clp_rsp_query_pci_grp *grp,
			    struct zpci_caps *caps)
{
	u64 noi = grp->noi, dnoi = grp->dnoi;

	if (noi > ZPCI_CAPS_MSI_MAX)
		caps_set(caps, ZPCI_CAPS_NOI, noi, ZPCI_CAPS_MSI_MAX,
			 ZPCI_CAPS_SRC_FALLBACK);
	else
		caps_accept(caps, ZPCI_CAPS_NOI, noi);

	if (dnoi > ZPCI_CAPS_MSI_MAX)
		caps_set(caps, ZPCI_CAPS_DNOI, dnoi, ZPCI_CAPS_MSI_MAX,
			 ZPCI_CAPS_SRC_FALLBACK);
	else
		caps_accept(caps, ZPCI_CAPS_DNOI, dnoi);

	caps_accept(caps, ZPCI_CAPS_MSIA, grp->msia);
	if (!noi || !grp->msia)
		caps->flags |= ZPCI_CAPS_F_NO_MSI;
}

/**
 * caps_decode_maxstbl() - decode the maximum store-block length
 * @grp: raw query-group response
 * @caps: decoded capabilities
 *
 * A length zpci_store_block_usable() accepts, or 8, is kept; a multiple
 * of 8 above 4 KiB is clamped to 4 KiB; anything else becomes 8: single
 * 8-byte stores.
 */
static void caps_decode_maxstbl(const struct clp_rsp_query_pci_grp *grp,
				struct zpci_caps *caps)
{
	u64 len = grp->maxstbl;

	if (len == ZPCI_MAX_READ_SIZE || zpci_store_block_usable(len))
		caps_accept(caps, ZPCI_CAPS_MAXSTBL, len);
	else if (len > ZPCI_BOUNDARY_SIZE && IS_ALIGNED(len, ZPCI_MAX_READ_SIZE))
		caps_set(caps, ZPCI_CAPS_MAXSTBL, len, ZPCI_BOUNDARY_SIZE,
			 ZPCI_CAPS_SRC_FALLBACK);
	else
		caps_set(caps, ZPCI_CAPS_MAXSTBL, len, ZPCI_MAX_READ_SIZE,
			 ZPCI_CAPS_SRC_FALLBACK);
}

/**
 * caps_decode_group_misc() - decode dtsm, frame, refresh, rtr, mui, version
 * @grp: raw query-group response
 * @caps: decoded capabilities
 */
static void caps_decode_group_misc(const struct clp_rsp_query_pci_grp *grp,
				   struct zpci_caps *caps)
{
	u64 dtsm = grp->dtsm;

	/* in effect: the designation types offered that the guest builds */
	caps_set(caps, ZPCI_CAPS_DTSM, dtsm, zpci_caps_dtsm_in_effect(dtsm),
		 caps_src(!(dtsm & ZPCI_CAPS_BUILT_DTSM)));

	caps_accept(caps, ZPCI_CAPS_FRAME, grp->frame);
	caps_accept(caps, ZPCI_CAPS_REFRESH, grp->refresh);
	caps_accept(caps, ZPCI_CAPS_RTR, grp->rtr);

	if (grp->mui)
		caps_accept(caps, ZPCI_CAPS_MUI, grp->mui);
	else
		caps_set(caps, ZPCI_CAPS_MUI, 0, ZPCI_CAPS_DEFAULT_MUI,
			 ZPCI_CAPS_SRC_FALLBACK);

	/* the version is kept; an unknown one makes the bus speed unknown */
	caps_set(caps, ZPCI_CAPS_VERSION, grp->version, grp->version,
		 caps_src(grp->version != 1));
}

/**
 * caps_pfip() - the four segments of a function internal path as one value
 * @pfip: the segments
 *
 * Return: segment 0 in the high byte of a 32-bit number.
 */
static u64 caps_pfip(const u8 pfip[CLP_PFIP_NR_SEGMENTS])
{
	return (u64)pfip[0] << 24 | pfip[1] << 16 | pfip[2] << 8 | pfip[3];
}

/**
 * caps_decode_fn_misc() - decode fmb_len, BAR sizes, util_str, pfip, pfgid
 * @fn: raw query-function response
 * @caps: decoded capabilities
 */
static void caps_decode_fn_misc(const struct clp_rsp_query_pci *fn,
				struct zpci_caps *caps)
{
	u64 fmb_bytes = sizeof(u32) * (u64)fn->fmb_len;
	bool util;
	int i;

	/* kept: zpci_fmb_enable_device() refuses a block Linux cannot hold */
	caps_accept(caps, ZPCI_CAPS_FMB_LEN, fmb_bytes);
	if (!zpci_fmb_len_usable(fmb_bytes))
		caps->flags |= ZPCI_CAPS_F_NO_FMB;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		u64 shift = fn->bar_size[i];

		/* a BAR's window in the iomap address space is 2^48 bytes */
		if (shift > ZPCI_IOMAP_SHIFT)
			caps_set(caps, ZPCI_CAPS_BAR0_SIZE + i, shift, 0,
				 ZPCI_CAPS_SRC_FALLBACK);
		else
			caps_accept(caps, ZPCI_CAPS_BAR0_SIZE + i, shift);
	}

	util = fn->util_str_avail;
	if (util && !memchr_inv(fn->util_str, 0, sizeof(fn->util_str)))
		caps_set(caps, ZPCI_CAPS_UTIL_STR, 1, 0, ZPCI_CAPS_SRC_FALLBACK);
	else
		caps_accept(caps, ZPCI_CAPS_UTIL_STR, util);

	caps_accept(caps, ZPCI_CAPS_PFIP, caps_pfip(fn->pfip));
	caps_accept(caps, ZPCI_CAPS_PFGID, fn->pfgid);
	caps_accept(caps, ZPCI_CAPS_UID, fn->uid);
}

/**
 * zpci_caps_decode() - decode and validate raw CLP responses
 * @fn: raw query-function response
 * @grp: raw query-group response of the function's group
 * @override: mask of BIT(&enum zpci_caps_field) replaced by an injection
 *	hook before decoding; accepted ones get source ZPCI_CAPS_SRC_OVERRIDE
 * @caps: result: reported value, value in effect and source of every field,
 *	and the ZPCI_CAPS_F_* outcome flags
 *
 * Pure function: applies the rules of Documentation/arch/s390/zpci-clp.rst
 * and nothing else.
 *
 * Return: 0 if the function can be used, -EINVAL if it must be refused
 * (ZPCI_CAPS_F_REFUSED is then set in @caps->flags).
 */
int zpci_caps_decode(const struct clp_rsp_query_pci *fn,
		     const struct clp_rsp_query_pci_grp *grp,
		     unsigned long override, struct zpci_caps *caps)
{
	int i;

	memset(caps, 0, sizeof(*caps));
	caps_decode_dma(fn, grp, caps);
	caps_decode_msi(grp, caps);
	caps_decode_maxstbl(grp, caps);
	caps_decode_group_misc(grp, caps);
	caps_decode_fn_misc(fn, caps);

	for (i = 0; i < ZPCI_CAPS_NR_FIELDS; i++) {
		if ((override & BIT(i)) &&
		    caps->val[i].source == ZPCI_CAPS_SRC_CLP)
			caps->val[i].source = ZPCI_CAPS_SRC_OVERRIDE;
	}
	return (caps->flags & ZPCI_CAPS_F_REFUSED) ? -EINVAL : 0;
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_decode);

/**
 * zpci_caps_apply() - put the values in effect into the zdev fields
 * @zdev: the function
 * @caps: its decoded capabilities
 * @fn: raw query-function response, for identifiers and addresses
 *
 * The zdev fields are the one place the values in effect are kept: every
 * consumer reads them, and zdev->caps_report keeps only what the report
 * adds, the reported value and the source of each field.
 */
void zpci_caps_apply(struct zpci_dev *zdev, const struct zpci_caps *caps,
		     const struct clp_rsp_query_pci *fn)
{
	int i;

	for (i = 0; i < ZPCI_CAPS_NR_FIELDS; i++) {
		zdev->caps_report.reported[i] = caps->val[i].reported;
		zdev->caps_report.source[i] = caps->val[i].source;
	}

	/* identifiers and addresses: no capability, copied as reported */
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		zdev->bars[i].val = le32_to_cpu(fn->bar[i]);
		zdev->bars[i].size = zpci_caps_get(caps, ZPCI_CAPS_BAR0_SIZE + i);
	}
	zdev->pchid = fn->pchid;
	zdev->pft = fn->pft;
	zdev->vfn = fn->vfn;
	zdev->port = fn->port;
	zdev->is_physfn = fn->is_physfn;
	zdev->rid_available = fn->rid_avail;
	if (zdev->rid_available)
		zdev->rid = fn->rid;
	zdev->tid_avail = fn->tid_avail;
	if (zdev->tid_avail)
		zdev->tid = fn->tid;
	zdev->mio_capable = fn->mio_addr_avail;
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (!(fn->mio.valid & (1 << (PCI_STD_NUM_BARS - i - 1))))
			continue;
		zdev->bars[i].mio_wb = (void __iomem *)fn->mio.addr[i].wb;
		zdev->bars[i].mio_wt = (void __iomem *)fn->mio.addr[i].wt;
	}
	memcpy(zdev->pfip, fn->pfip, sizeof(zdev->pfip));
	zdev->util_str_avail = zpci_caps_get(caps, ZPCI_CAPS_UTIL_STR);
	if (zdev->util_str_avail)
		memcpy(zdev->util_str, fn->util_str, sizeof(zdev->util_str));

	/* validated values */
	zdev->pfgid = zpci_caps_get(caps, ZPCI_CAPS_PFGID);
	zdev->uid = zpci_caps_get(caps, ZPCI_CAPS_UID);
	zdev->start_dma = zpci_caps_get(caps, ZPCI_CAPS_SDMA);
	zdev->end_dma = zpci_caps_get(caps, ZPCI_CAPS_EDMA);
	zdev->dma_mask = zpci_caps_get(caps, ZPCI_CAPS_DASM);
	zdev->dtsm = zpci_caps_get(caps, ZPCI_CAPS_DTSM);
	zdev->frame = zpci_caps_get(caps, ZPCI_CAPS_FRAME);
	zdev->tlb_refresh = zpci_caps_get(caps, ZPCI_CAPS_REFRESH);
	zdev->rtr_avail = zpci_caps_get(caps, ZPCI_CAPS_RTR);
	zdev->msi_addr = zpci_caps_get(caps, ZPCI_CAPS_MSIA);
	zdev->max_msi = (caps->flags & ZPCI_CAPS_F_NO_MSI) ? 0 :
			zpci_caps_get(caps, ZPCI_CAPS_NOI);
	zdev->dnoi = zpci_caps_get(caps, ZPCI_CAPS_DNOI);
	zdev->maxstbl = zpci_caps_get(caps, ZPCI_CAPS_MAXSTBL);
	zdev->fmb_update = zpci_caps_get(caps, ZPCI_CAPS_MUI);
	zdev->fmb_length = zpci_caps_get(caps, ZPCI_CAPS_FMB_LEN);
	zdev->version = zpci_caps_get(caps, ZPCI_CAPS_VERSION);
	zdev->max_bus_speed = zpci_caps_bus_speed(caps);
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_apply);

/**
 * zpci_caps_in_effect() - the value in effect of one field, for the report
 * @zdev: the function
 * @field: the field
 *
 * Return: the zdev field that holds @field's value in effect; noi is 0
 * when MSI was refused.
 */
u64 zpci_caps_in_effect(const struct zpci_dev *zdev, enum zpci_caps_field field)
{
	switch (field) {
	case ZPCI_CAPS_SDMA:
		return zdev->start_dma;
	case ZPCI_CAPS_EDMA:
		return zdev->end_dma;
	case ZPCI_CAPS_DASM:
		return zdev->dma_mask;
	case ZPCI_CAPS_DTSM:
		return zdev->dtsm;
	case ZPCI_CAPS_FRAME:
		return zdev->frame;
	case ZPCI_CAPS_REFRESH:
		return zdev->tlb_refresh;
	case ZPCI_CAPS_RTR:
		return zdev->rtr_avail;
	case ZPCI_CAPS_NOI:
		return zdev->max_msi;
	case ZPCI_CAPS_DNOI:
		return zdev->dnoi;
	case ZPCI_CAPS_MSIA:
		return zdev->msi_addr;
	case ZPCI_CAPS_MAXSTBL:
		return zdev->maxstbl;
	case ZPCI_CAPS_MUI:
		return zdev->fmb_update;
	case ZPCI_CAPS_VERSION:
		return zdev->version;
	case ZPCI_CAPS_FMB_LEN:
		return zdev->fmb_length;
	case ZPCI_CAPS_BAR0_SIZE ... ZPCI_CAPS_BAR5_SIZE:
		return zdev->bars[field - ZPCI_CAPS_BAR0_SIZE].size;
	case ZPCI_CAPS_UTIL_STR:
		return zdev->util_str_avail;
	case ZPCI_CAPS_PFIP:
		return caps_pfip(zdev->pfip);
	case ZPCI_CAPS_PFGID:
		return zdev->pfgid;
	case ZPCI_CAPS_UID:
		return zdev->uid;
	default:
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_in_effect);

/**
 * zpci_caps_fallback_expected() - whether a fallback is one a hypervisor
 *	may legitimately cause
 * @field: the field
 * @v: its decoded value, source ZPCI_CAPS_SRC_FALLBACK
 *
 * Expected: a value not reported (dasm 0, dtsm 0, mui 0, version 0, the
 * last kept) and a well-formed edma beyond what the guest builds (the
 * table limit or the mask), as the QEMU emulated group reports them.
 * Every other fallback replaces a value that cannot be right.
 *
 * Return: true if the fallback is expected, false if the reported value
 * was impossible.
 */
bool zpci_caps_fallback_expected(enum zpci_caps_field field,
				 const struct zpci_caps_value *v)
{
	switch (field) {
	case ZPCI_CAPS_EDMA:
		return v->reported == U64_MAX ||
		       IS_ALIGNED(v->reported + 1, PAGE_SIZE);
	case ZPCI_CAPS_DASM:
	case ZPCI_CAPS_DTSM:
	case ZPCI_CAPS_MUI:
	case ZPCI_CAPS_VERSION:
		return !v->reported;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_fallback_expected);

/**
 * zpci_caps_fallback_str() - one fallback as the messages show it
 * @buf: where the text goes
 * @size: size of @buf
 * @field: the field
 * @v: its decoded value
 *
 * The text starts with a space: " edma 0x1ffffffffffffff->0x3ffffffffff",
 * " maxstbl 7->8", or " version 0 (unknown)" for a value kept.
 *
 * Return: the number of characters written, as scnprintf().
 */
int zpci_caps_fallback_str(char *buf, size_t size, enum zpci_caps_field field,
			   const struct zpci_caps_value *v)
{
	const char *name = zpci_caps_field_name(field);

	/* a kept value (version) only makes a derived value fall back */
	if (v->reported == v->effective)
		return scnprintf(buf, size, " %s %llu (unknown)", name,
				 v->reported);
	if (zpci_caps_field_is_hex(field))
		return scnprintf(buf, size, " %s 0x%llx->0x%llx", name,
				 v->reported, v->effective);
	return scnprintf(buf, size, " %s %llu->%llu", name, v->reported,
			 v->effective);
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_fallback_str);

/**
 * caps_seen_find() - the entry of an outcome already met
 * @seen: the outcomes met so far
 * @field: the field
 * @v: its decoded value
 * @group: pfgid of the function
 *
 * Return: the entry, or NULL if the outcome is new.
 */
static struct zpci_caps_seen_entry *
caps_seen_find(struct zpci_caps_seen *seen, enum zpci_caps_field field,
	       const struct zpci_caps_value *v, u16 group)
{
	unsigned int i;

	for (i = 0; i < seen->nr; i++) {
		struct zpci_caps_seen_entry *e = &seen->entry[i];

		if (e->field == field && e->group == group &&
		    e->reported == v->reported && e->effective == v->effective)
			return e;
	}
	return NULL;
}

/**
 * zpci_caps_quiet() - the fallbacks of a function left to its group's line
 * @seen: the outcomes met so far; updated
 * @caps: the function's decoded capabilities
 *
 * An expected fallback (zpci_caps_fallback_expected()) is not printed
 * with the function: it is counted for the line of the function's group
 * (zpci_caps_seen_summary()), one count per group, field, reported and
 * used value.  While @seen is full (%ZPCI_CAPS_NR_SEEN outcomes counted
 * and not yet printed), a new outcome is printed with the function.
 * Impossible values are never left out.
 *
 * Return: mask of BIT(&enum zpci_caps_field) of the fallbacks to leave out
 * of the function's message.
 */
unsigned long zpci_caps_quiet(struct zpci_caps_seen *seen,
			      const struct zpci_caps *caps)
{
	u16 pfgid = zpci_caps_get(caps, ZPCI_CAPS_PFGID);
	unsigned long quiet = 0;
	int i;

	for (i = 0; i < ZPCI_CAPS_NR_FIELDS; i++) {
		const struct zpci_caps_value *v = &caps->val[i];
		struct zpci_caps_seen_entry *e;

		if (v->source != ZPCI_CAPS_SRC_FALLBACK ||
		    !zpci_caps_fallback_expected(i, v))
			continue;
		e = caps_seen_find(seen, i, v, pfgid);
		if (!e && seen->nr < ZPCI_CAPS_NR_SEEN) {
			e = &seen->entry[seen->nr++];
			*e = (struct zpci_caps_seen_entry) {
				.reported = v->reported,
				.effective = v->effective,
				.group = pfgid,
				.field = i,
			};
		}
		if (e) {
			e->repeats++;
			quiet |= BIT(i);
		}
	}
	return quiet;
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_quiet);

/**
 * zpci_caps_seen_summary() - the line of one group's expected fallbacks
 * @seen: the outcomes counted and not yet printed; those the line names
 *	are removed
 * @buf: the text: each outcome of the group, as zpci_caps_fallback_str()
 *	has it, and " xN" for N functions; " ..." if @buf is too short for
 *	all, the next call then gives the rest
 * @size: size of @buf, more than ZPCI_CAPS_SEEN_OUTCOME_LEN
 *
 * The group is that of the first outcome counted: called until it returns
 * -ENOENT, it gives one line per group (more for a group whose outcomes
 * do not fit one) and leaves @seen empty.
 *
 * Return: the group (pfgid) of the line, -ENOENT if nothing is counted
 * (@buf is then empty).
 */
int zpci_caps_seen_summary(struct zpci_caps_seen *seen, char *buf,
			   size_t size)
{
	struct zpci_caps_value v = {};
	unsigned int i, kept = 0;
	int group = -ENOENT;
	bool cut = false;
	size_t len = 0;

	buf[0] = '\0';
	for (i = 0; i < seen->nr; i++) {
		struct zpci_caps_seen_entry *e = &seen->entry[i];

		if (group < 0)
			group = e->group;
		if (!cut && e->group == group &&
		    len + ZPCI_CAPS_SEEN_OUTCOME_LEN >= size) {
			len += scnprintf(buf + len, size - len, " ...");
			cut = true;
		}
		if (cut || e->group != group) {
			/* for a later line */
			seen->entry[kept++] = *e;
			continue;
		}
		v.reported = e->reported;
		v.effective = e->effective;
		len += zpci_caps_fallback_str(buf + len, size - len, e->field, &v);
		len += scnprintf(buf + len, size - len, " x%u", e->repeats);
	}
	seen->nr = kept;
	return group;
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_seen_summary);
