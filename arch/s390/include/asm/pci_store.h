/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Splitting of copies to and from zPCI BAR space into PCI load and store
 * instructions that the architecture (and QEMU) accept.
 *
 * Rules, for every instruction issued:
 *  - PCI STORE BLOCK: length a multiple of 8 and greater than 8, at most the
 *    function's maximum store-block length in effect, PCI address and memory
 *    address 8-byte aligned, PCI range inside one 4 KiB block of the PCI
 *    address space.
 *  - PCI STORE and PCI LOAD: 1, 2, 4 or 8 bytes at a PCI address aligned to
 *    the length, so that the access never crosses an 8-byte boundary.
 * A copy uses the longest instruction the rules allow at each step.
 *
 * The limits are those of asm/pci_io.h, which defines them and then
 * includes this file (include asm/pci_io.h first): ZPCI_MAX_READ_SIZE (8)
 * is the longest single PCI load and store, ZPCI_BOUNDARY_SIZE (4 KiB) the
 * block a store block stays inside, and so also the longest store block;
 * zpci_store_block_usable() there is the rule for a maxstbl.
 */
#ifndef _ASM_S390_PCI_STORE_H
#define _ASM_S390_PCI_STORE_H

#include <linux/align.h>
#include <linux/atomic.h>
#include <linux/compiler_types.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/types.h>

/**
 * zpci_single_len() - length of the next single PCI load or store
 * @pci: PCI address (offset in the BAR) of the access
 * @len: bytes left, greater than 0
 *
 * Return: 1, 2, 4 or 8: the longest power of two not above @len and 8 to
 * which @pci is aligned, so the access never crosses an 8-byte boundary.
 */
static inline unsigned long zpci_single_len(u64 pci, unsigned long len)
{
	unsigned long size;

	size = rounddown_pow_of_two(min_t(unsigned long, len, ZPCI_MAX_READ_SIZE));

	while (!IS_ALIGNED(pci, size))
		size >>= 1;
	return size;
}

/**
 * zpci_store_len() - length of the next PCI store of a copy to BAR space
 * @pci: PCI address (offset in the BAR) of the store
 * @mem: address of the source data in memory
 * @len: bytes left to copy, greater than 0
 * @maxstbl: the function's maxstbl in effect, which a copy reads once, not
 *	for every store; below 16 it allows no store block
 *
 * Return: the length of the next store.  Greater than 8 means a PCI STORE
 * BLOCK of that length, which then is a multiple of 8, at most @maxstbl,
 * with both addresses 8-byte aligned and inside one 4 KiB block of the PCI
 * address.  Otherwise a single store of zpci_single_len() bytes.
 */
static inline unsigned long zpci_store_len(u64 pci, u64 mem, unsigned long len,
					   unsigned int maxstbl)
{
	unsigned long size, room;

	if (len > ZPCI_MAX_READ_SIZE && maxstbl > ZPCI_MAX_READ_SIZE &&
	    IS_ALIGNED(pci | mem, ZPCI_MAX_READ_SIZE)) {
		room = ZPCI_BOUNDARY_SIZE - (pci & ZPCI_BOUNDARY_MASK);
		size = ALIGN_DOWN(min3(len, (unsigned long)maxstbl, room),
				  ZPCI_MAX_READ_SIZE);
		if (size > ZPCI_MAX_READ_SIZE)
			return size;
	}
	return zpci_single_len(pci, len);
}

/**
 * zpci_load_len() - length of the next PCI load of a copy from BAR space
 * @pci: PCI address (offset in the BAR) of the load
 * @len: bytes left to copy, greater than 0
 *
 * Return: the length of the next single PCI load (1, 2, 4 or 8).
 */
static inline unsigned long zpci_load_len(u64 pci, unsigned long len)
{
	return zpci_single_len(pci, len);
}

/* Size classes of the store counters: 1, 2, 4, ... ZPCI_BOUNDARY_SIZE bytes */
#define ZPCI_STORE_CLASSES	(const_ilog2(ZPCI_BOUNDARY_SIZE) + 1)

/**
 * struct zpci_store_stats - PCI loads and stores issued for one function
 * @loads: single PCI loads
 * @single_stores: single PCI stores
 * @block_stores: PCI store-block instructions
 * @bytes_loaded: bytes read by the loads
 * @bytes_stored: bytes written by all stores
 * @largest_block: length of the longest store block issued
 * @blocks_crossing: store blocks whose PCI range crossed 4 KiB (must stay 0)
 * @by_size: stores by size class: index i counts lengths up to 2^i bytes
 *
 * Only copies through the function's iomap cookies (not MIO) are counted.
 * A copy adds its stores in runs of equal ones (struct zpci_store_tally),
 * each when it ends, the last when the copy ends: a reader during a copy
 * sees part of it, the counters not updated together.
 */
struct zpci_store_stats {
	atomic64_t loads;
	atomic64_t single_stores;
	atomic64_t block_stores;
	atomic64_t bytes_loaded;
	atomic64_t bytes_stored;
	atomic64_t largest_block;
	atomic64_t blocks_crossing;
	atomic64_t by_size[ZPCI_STORE_CLASSES];
};

/**
 * struct zpci_store_tally - the stores of one copy, in runs of equal stores
 * @st: the function's counters; NULL: the copy is not counted
 * @run_size: bytes per store of the current run
 * @run_stores: stores in the current run, not yet in @st
 * @crossing: store blocks that crossed a 4 KiB boundary, not yet in @st
 *
 * A store costs a comparison and an increment; a run, the atomic updates
 * of @st when it ends.  The blocks of an aligned copy make one run.
 */
struct zpci_store_tally {
	struct zpci_store_stats *st;
	unsigned long run_size;
	unsigned long run_stores;
	unsigned long crossing;
};

struct zpci_dev;
struct dentry;
struct list_head;
struct seq_file;

int zpci_memcpy_toio(volatile void __iomem *dst, const void *src,
		     unsigned long n);
int zpci_memcpy_fromio(void *dst, const volatile void __iomem *src,
		       unsigned long n);
unsigned int zpci_store_mio_maxstbl(u64 mio_addr);
void zpci_store_add_function(struct zpci_dev *zdev);
void zpci_store_del_function(struct zpci_dev *zdev);
void zpci_store_stats_show(struct seq_file *m, struct zpci_dev *zdev);

#if IS_ENABLED(CONFIG_KUNIT)
void zpci_mio_add_function(struct list_head *fns, struct zpci_dev *zdev);
void zpci_mio_del_function(struct zpci_dev *zdev);
unsigned int zpci_mio_maxstbl(struct list_head *fns, u64 mio_addr);
void zpci_tally_store(struct zpci_store_tally *t, u64 pci, unsigned long size);
void zpci_tally_end(struct zpci_store_tally *t);
#endif

#if IS_ENABLED(CONFIG_ZPCI_BAR_COPY_TEST)
void zpci_bar_copy_debugfs_init(struct dentry *root);
#else
static inline void zpci_bar_copy_debugfs_init(struct dentry *root)
{
}
#endif

#endif /* _ASM_S390_PCI_STORE_H */
