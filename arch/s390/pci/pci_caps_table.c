// SPDX-License-Identifier: GPL-2.0
/*
 * The translation-table type a hypervisor takes for a zPCI function.
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
 * (no memory for the table, busy, an error condition code) tells nothing
 * about the type, which stays.  A function left without an aperture is
 * refused: disabled and returned to standby before it reaches the PCI
 * bus.
 */

#define KMSG_COMPONENT "zpci"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <asm/pci.h>
#include <asm/pci_caps.h>
#include <asm/pci_debug.h>
#include <asm/pci_dma.h>
#include <asm/pci_insn.h>
#include <asm/pci_io.h>
#include <asm/sclp.h>

static const char * const caps_table_names[] = {
	[ZPCI_IOTA_STO]		= "segment",
	[ZPCI_IOTA_RTTO]	= "region-third",
	[ZPCI_IOTA_RSTO]	= "region-second",
	[ZPCI_IOTA_RFTO]	= "region-first",
};

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
 * question could not be asked, -ENOMEM (no table), -EBUSY (still busy
 * after retries), -ENODEV (condition code 3) or -EIO (condition code 1).
 */
static int caps_table_taken(struct zpci_dev *zdev, unsigned int dt)
{
	static const u64 dt_flags[] = {
		[ZPCI_IOTA_RTTO] = ZPCI_IOTA_RTTO_FLAG,
		[ZPCI_IOTA_RSTO] = ZPCI_IOTA_RSTO_FLAG,
		[ZPCI_IOTA_RFTO] = ZPCI_IOTA_RFTO_FLAG,
	};
	u64 req = ZPCI_CREATE_REQ(zdev->fh, 0, ZPCI_MOD_FC_REG_IOAT);
	unsigned int order = get_order(ZPCI_TABLE_SIZE);
	struct zpci_fib fib = {};
	unsigned long *table;
	int cc, tries = 3, i;
	u8 status = 0;

	if (dt >= ARRAY_SIZE(dt_flags) || !dt_flags[dt])
		return -EOPNOTSUPP;
	/* pages of this order are aligned to their size: 16 KiB */
	table = (unsigned long *)__get_free_pages(GFP_KERNEL, order);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < ZPCI_TABLE_ENTRIES; i++)
		table[i] = ZPCI_TABLE_INVALID;

	do {
		fib.pba = zdev->start_dma;
		fib.pal = zdev->end_dma;
		fib.iota = virt_to_phys(table) | dt_flags[dt];
		fib.gd = zdev->gisa;
		cc = zpci_mod_fc_probe(req, &fib, &status);
		if (cc == 2)	/* busy */
			fsleep(1);
	} while (cc == 2 && --tries);
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
	case 2:
		return -EBUSY;
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
 * zpci_caps_probe_table() - the table type the hypervisor takes
 * @zdev: the function, just enabled, with no translation registered
 *
 * Asks the hypervisor about the type zpci_caps_table_dt() chooses for
 * the function's aperture unless it is region-third; each type the
 * hypervisor refuses is taken out of effect (zpci_caps_refuse_dt(); one
 * message naming the type, dtsm before and after and, if it changes,
 * edma), which may narrow the aperture, and the next type is asked.  A
 * type that could not be asked about stays in effect.
 *
 * Return: the designation type to build tables for.  If no aperture
 * remains (zdev->start_dma lies beyond zdev->end_dma), the function is
 * disabled and returned to standby, with one message instead of the
 * refusal's, and the return value is the type refused last.
 */
unsigned int zpci_caps_probe_table(struct zpci_dev *zdev)
{
	unsigned int dt = ZPCI_CAPS_GUEST_DT;
	u64 edma;
	u8 dtsm;
	int rc;

	if (zdev->start_dma > zdev->end_dma) {
		caps_table_refuse_function(zdev, NULL);
		return dt;
	}
	for (;;) {
		dt = zpci_caps_table_dt(zdev->dtsm, zdev->end_dma);
		if (dt == ZPCI_CAPS_GUEST_DT)
			return dt;
		rc = caps_table_taken(zdev, dt);
		if (rc != -EOPNOTSUPP) {
			if (rc)
				zpci_dbg(0, "table fid:%x, dt:%u not asked, rc:%d\n",
					 zdev->fid, dt, rc);
			return dt;
		}

		dtsm = zdev->dtsm;
		edma = zdev->end_dma;
		if (!zpci_caps_refuse_dt(zdev, dt)) {
			caps_table_refuse_function(zdev, caps_table_names[dt]);
			return dt;
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
