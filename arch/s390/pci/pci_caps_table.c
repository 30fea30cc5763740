// SPDX-License-Identifier: GPL-2.0
/*
 * Translation-table types of a zPCI function: the type its DMA aperture
 * needs among those in effect, a type taken out of effect and a kernel
 * limit on the aperture (both recorded in the capability report), and the
 * type the hypervisor takes.
 *
 * The capability layer offers region-second and region-first tables when
 * the function group reports them in dtsm and the DMA aperture reaches
 * past what a region-third table translates.  A hypervisor may still
 * refuse to register them: QEMU 7.2 answers every designation type but
 * region-third with an operand exception.  So when the function is
 * enabled, before it is scanned, one registration of an empty table of
 * that type asks; a refusal takes the type out of effect, with one
 * message, and the next smaller type is asked, down to region-third,
 * which Linux has always registered and which is not asked for.  Only
 * that refusal narrows the function: a registration that fails otherwise
 * (no memory for the table, an error condition code) tells nothing about
 * the type, which stays.  A function left without an aperture is
 * refused: disabled and returned to standby before it reaches the PCI
 * bus.
 */

#define KMSG_COMPONENT "zpci"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <kunit/visibility.h>
#include <asm/pci.h>
#include <asm/pci_caps.h>
#include <asm/pci_debug.h>
#include <asm/pci_dma.h>
#include <asm/pci_io.h>
#include <asm/sclp.h>

static const char * const caps_table_names[] = {
	[ZPCI_IOTA_STO]		= "segment",
	[ZPCI_IOTA_RTTO]	= "region-third",
	[ZPCI_IOTA_RSTO]	= "region-second",
	[ZPCI_IOTA_RFTO]	= "region-first",
};

/**
 * zpci_caps_table_dt() - the translation-table type for an aperture
 * @dtsm: dtsm in effect (zdev->dtsm)
 * @end: last DMA address the tables must translate
 *
 * The smallest type in effect whose tables reach @end, so that a table
 * walk has no more levels than the aperture needs; the largest type in
 * effect if none reaches it (the aperture in effect never goes beyond it).
 *
 * Return: the designation type (1 region-third, 2 region-second,
 * 3 region-first).
 */
unsigned int zpci_caps_table_dt(u8 dtsm, u64 end)
{
	unsigned int dt;

	dtsm = zpci_caps_dtsm_in_effect(dtsm);
	for (dt = ZPCI_IOTA_RTTO; dt <= ZPCI_IOTA_RFTO; dt++)
		if ((dtsm & ZPCI_DTSM_BIT(dt)) && end <= zpci_caps_dt_limit(dt))
			return dt;
	return zpci_caps_largest_dt(dtsm);
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_table_dt);

/**
 * zpci_caps_refuse_dt() - the hypervisor refused a table type
 * @zdev: the function, with its values in effect
 * @dt: the designation type refused, not region-third
 *
 * Takes @dt out of zdev->dtsm (region-third remains when nothing else
 * does) and keeps the aperture inside the largest type left: zdev->end_dma
 * is cut to its capacity, and a dma_mask derived from the aperture is
 * derived again.  Every value changed becomes a fallback in the report.
 *
 * Return: true if the function still has a DMA aperture, false if
 * zdev->start_dma lies beyond what the remaining types translate.
 */
bool zpci_caps_refuse_dt(struct zpci_dev *zdev, unsigned int dt)
{
	u8 *source = zdev->caps_report.source;
	u64 limit;

	if (dt == ZPCI_CAPS_GUEST_DT || !(zdev->dtsm & ZPCI_DTSM_BIT(dt)))
		return zdev->start_dma <= zdev->end_dma;
	zdev->dtsm = zpci_caps_dtsm_in_effect(zdev->dtsm & ~ZPCI_DTSM_BIT(dt));
	source[ZPCI_CAPS_DTSM] = ZPCI_CAPS_SRC_FALLBACK;

	limit = zpci_caps_dt_limit(zpci_caps_largest_dt(zdev->dtsm));
	if (zdev->end_dma > limit) {
		zdev->end_dma = limit;
		source[ZPCI_CAPS_EDMA] = ZPCI_CAPS_SRC_FALLBACK;
		if (source[ZPCI_CAPS_DASM] == ZPCI_CAPS_SRC_FALLBACK)
			zdev->dma_mask = zpci_caps_dasm_covering(limit);
	}
	return zdev->start_dma <= zdev->end_dma;
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_refuse_dt);

/**
 * zpci_caps_limit_edma() - a kernel limit cuts the aperture in effect
 * @zdev: the function, with its values in effect
 * @end: the last address the limit allows
 *
 * Cuts zdev->end_dma to @end if that is lower.  The source of edma in the
 * report becomes ZPCI_CAPS_SRC_LIMIT if the value was taken as reported;
 * a fallback (the reported value was impossible) or an override keeps its
 * source, which says more about the value.
 */
void zpci_caps_limit_edma(struct zpci_dev *zdev, u64 end)
{
	u8 *source = &zdev->caps_report.source[ZPCI_CAPS_EDMA];

	if (end >= zdev->end_dma)
		return;
	zdev->end_dma = end;
	if (*source == ZPCI_CAPS_SRC_CLP)
		*source = ZPCI_CAPS_SRC_LIMIT;
}
EXPORT_SYMBOL_IF_KUNIT(zpci_caps_limit_edma);

/**
 * caps_table_taken() - does the hypervisor register tables of a type?
 * @zdev: the function, enabled, with no translation registered
 * @dt: the designation type
 *
 * Registers an empty table of type @dt (every entry invalid: nothing is
 * translated) for the function's aperture and, if that succeeds,
 * unregisters it again.
 *
 * Return: 0 if the registration succeeded, -EOPNOTSUPP if the hypervisor
 * refused the type (the instruction raised an exception), or, if the
 * question could not be asked, -ENOMEM (no table), -ENODEV (condition
 * code 3) or -EIO (condition code 1).
 */
static int caps_table_taken(struct zpci_dev *zdev, unsigned int dt)
{
	static const u64 dt_flags[] = {
		[ZPCI_IOTA_RTTO] = ZPCI_IOTA_RTTO_FLAG,
		[ZPCI_IOTA_RSTO] = ZPCI_IOTA_RSTO_FLAG,
		[ZPCI_IOTA_RFTO] = ZPCI_IOTA_RFTO_FLAG,
	};
	unsigned int order = get_order(ZPCI_TABLE_SIZE);
	unsigned long *table;
	u8 status = 0;
	int cc, i;

	if (dt >= ARRAY_SIZE(dt_flags) || !dt_flags[dt])
		return -EOPNOTSUPP;
	/* pages of this order are aligned to their size: 16 KiB */
	table = (unsigned long *)__get_free_pages(GFP_KERNEL, order);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < ZPCI_TABLE_ENTRIES; i++)
		table[i] = ZPCI_TABLE_INVALID;

	cc = zpci_probe_ioat(zdev, zdev->start_dma, zdev->end_dma,
			     virt_to_phys(table) | dt_flags[dt], &status);
	/* a table the machine may still use is never freed */
	if (!cc && zpci_unregister_ioat(zdev, 0)) {
		pr_err("fid %x: probe table of type %u could not be unregistered; its %lu KiB stay allocated\n",
		       zdev->fid, dt, (PAGE_SIZE << order) / SZ_1K);
		return -EIO;
	}
	free_pages((unsigned long)table, order);

	zpci_dbg(3, "table fid:%x, dt:%u, cc:%d, status:%d\n", zdev->fid, dt,
		 cc, status);
	switch (cc) {
	case 0:
	case -EOPNOTSUPP:
		return cc;
	case 3:
		return -ENODEV;
	default:
		return -EIO;
	}
}

/**
 * caps_table_refuse_function() - give back a function left without aperture
 * @zdev: the function, enabled
 * @name: the name of the table type just refused, or %NULL if the function
 *	was refused before
 *
 * Disables the function and returns it to standby (deconfigures it), so
 * that it never reaches the PCI bus and the hypervisor can unplug it; one
 * message.
 */
static void caps_table_refuse_function(struct zpci_dev *zdev, const char *name)
{
	int rc;

	zpci_disable_device(zdev);
	rc = sclp_pci_deconfigure(zdev->fid);
	zpci_dbg(0, "table fid:%x, refused, deconf rc:%d\n", zdev->fid, rc);
	if (!rc)
		zdev->state = ZPCI_FN_STATE_STANDBY;
	pr_err("fid %x: refused: %s%sno DMA aperture from sdma 0x%llx; %s\n",
	       zdev->fid, name ?: "", name ? " tables refused by the hypervisor, " : "",
	       zdev->start_dma, rc ? "not returned to standby" : "returned to standby");
}

/**
 * zpci_caps_probe_table() - ask which table types the hypervisor takes
 * @zdev: the function, just enabled, with no translation registered
 *
 * Asks the hypervisor about the type zpci_caps_table_dt() chooses for
 * the function's aperture unless it is region-third; each type the
 * hypervisor refuses is taken out of effect (zpci_caps_refuse_dt(); one
 * message naming the type, dtsm before and after and, if it changes,
 * edma), which may narrow the aperture, and the next type is asked.  A
 * type that could not be asked about stays in effect.
 *
 * The IOMMU builds tables of the type zpci_caps_table_dt() gives for the
 * values in effect after this.  If no aperture remains (zdev->start_dma
 * lies beyond zdev->end_dma), the function is disabled and, if it can be
 * deconfigured, returned to standby, with one message instead of the
 * refusal's.
 */
void zpci_caps_probe_table(struct zpci_dev *zdev)
{
	unsigned int dt;
	u64 edma;
	u8 dtsm;
	int rc;

	if (zdev->start_dma > zdev->end_dma) {
		caps_table_refuse_function(zdev, NULL);
		return;
	}
	for (;;) {
		dt = zpci_caps_table_dt(zdev->dtsm, zdev->end_dma);
		if (dt == ZPCI_CAPS_GUEST_DT)
			return;
		rc = caps_table_taken(zdev, dt);
		if (rc != -EOPNOTSUPP) {
			if (rc)
				zpci_dbg(0, "table fid:%x, dt:%u not asked, rc:%d\n",
					 zdev->fid, dt, rc);
			return;
		}

		dtsm = zdev->dtsm;
		edma = zdev->end_dma;
		if (!zpci_caps_refuse_dt(zdev, dt)) {
			caps_table_refuse_function(zdev, caps_table_names[dt]);
			return;
		}
		if (edma != zdev->end_dma)
			pr_info("fid %x: %s tables refused by the hypervisor: dtsm 0x%x->0x%x edma 0x%llx->0x%llx\n",
				zdev->fid, caps_table_names[dt], dtsm,
				zdev->dtsm, edma, zdev->end_dma);
		else
			pr_info("fid %x: %s tables refused by the hypervisor: dtsm 0x%x->0x%x\n",
				zdev->fid, caps_table_names[dt], dtsm,
				zdev->dtsm);
	}
}
