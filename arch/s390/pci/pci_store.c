// SPDX-License-Identifier: GPL-2.0
/*
 * Copies to and from zPCI BAR space: every PCI load, store and store block
 * is sized by the rules of asm/pci_store.h with the maximum store-block
 * length in effect for the function being written, and counted per function.
 */

#define KMSG_COMPONENT "zpci"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/vmalloc.h>
#include <asm/pci.h>
#include <asm/pci_io.h>
#include <asm/pci_store.h>

/*
 * With MIO, a BAR address is a CPU address mapped (ioremap(), or a user
 * mapping of the resource) to the MIO range of one BAR of one function:
 * the function is the one whose BAR's write-back or write-through MIO range
 * holds the MIO address.  Functions are on this list from zpci_add_device()
 * until zpci_release_device(), which frees them with kfree_rcu() after
 * taking them off: copies, which may run in any context, walk the list
 * under RCU without a lock.  zpci_mio_lock orders the writers.
 */
static LIST_HEAD(zpci_mio_functions);
static DEFINE_SPINLOCK(zpci_mio_lock);

/**
 * zpci_mio_add_function() - let copies find a function by its MIO ranges
 * @fns: list of functions, linked by their mio_entry
 * @zdev: the function, freed with kfree_rcu() after zpci_mio_del_function()
 */
VISIBLE_IF_KUNIT void zpci_mio_add_function(struct list_head *fns,
					    struct zpci_dev *zdev)
{
	spin_lock(&zpci_mio_lock);
	list_add_tail_rcu(&zdev->mio_entry, fns);
	spin_unlock(&zpci_mio_lock);
}
EXPORT_SYMBOL_IF_KUNIT(zpci_mio_add_function);

/**
 * zpci_mio_del_function() - take a function off its list of MIO ranges
 * @zdev: the function; readers may see it until an RCU grace period ends
 */
VISIBLE_IF_KUNIT void zpci_mio_del_function(struct zpci_dev *zdev)
{
	spin_lock(&zpci_mio_lock);
	list_del_rcu(&zdev->mio_entry);
	spin_unlock(&zpci_mio_lock);
}
EXPORT_SYMBOL_IF_KUNIT(zpci_mio_del_function);

/* A BAR size (log2 of its length) up to ZPCI_IOMAP_SHIFT is a valid shift */
static_assert(ZPCI_IOMAP_SHIFT < BITS_PER_LONG_LONG);

/*
 * Whether one of the BAR's MIO ranges holds @addr.  bar->size is the log2
 * of the BAR length, 0 for no BAR, and at most ZPCI_IOMAP_SHIFT: the
 * capability layer writes it, bounded in caps_decode_fn_misc().
 */
static bool zpci_bar_holds_mio(const struct zpci_bar_struct *bar, u64 addr)
{
	u64 wt = (u64 __force)READ_ONCE(bar->mio_wt);
	u64 wb = (u64 __force)READ_ONCE(bar->mio_wb);
	u8 size = READ_ONCE(bar->size);
	u64 len;

	if (!size)
		return false;
	len = BIT_ULL(size);
	return (wt && addr - wt < len) || (wb && addr - wb < len);
}

/*
 * The maxstbl in effect of a configured MIO function one of whose BARs
 * holds @addr.
 */
static bool zpci_function_mio_maxstbl(const struct zpci_dev *zdev, u64 addr,
				      unsigned int *maxstbl)
{
	int i;

	if (!zdev->mio_capable ||
	    READ_ONCE(zdev->state) != ZPCI_FN_STATE_CONFIGURED)
		return false;
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (zpci_bar_holds_mio(&zdev->bars[i], addr)) {
			*maxstbl = READ_ONCE(zdev->maxstbl);
			return true;
		}
	}
	return false;
}

/**
 * zpci_mio_maxstbl() - maximum store-block length for an MIO address
 * @fns: list of functions, linked by their mio_entry
 * @mio_addr: MIO address of BAR space
 *
 * A function in standby no longer owns the MIO ranges it last reported.
 *
 * Return: the maxstbl in effect of the configured function that a BAR's
 * MIO range holding @mio_addr belongs to; ZPCI_MAX_READ_SIZE (single
 * stores, always allowed) when no function's does.
 */
VISIBLE_IF_KUNIT unsigned int zpci_mio_maxstbl(struct list_head *fns,
					       u64 mio_addr)
{
	unsigned int maxstbl = ZPCI_MAX_READ_SIZE;
	struct zpci_dev *zdev;

	rcu_read_lock();
	list_for_each_entry_rcu(zdev, fns, mio_entry) {
		if (zpci_function_mio_maxstbl(zdev, mio_addr, &maxstbl))
			break;
	}
	rcu_read_unlock();
	return maxstbl;
}
EXPORT_SYMBOL_IF_KUNIT(zpci_mio_maxstbl);

/**
 * zpci_store_add_function() - let copies to its BARs find a function
 * @zdev: a function being added, freed with kfree_rcu() once released
 */
void zpci_store_add_function(struct zpci_dev *zdev)
{
	zpci_mio_add_function(&zpci_mio_functions, zdev);
}

/**
 * zpci_store_del_function() - forget a function that is being released
 * @zdev: the function, before it is freed with kfree_rcu()
 */
void zpci_store_del_function(struct zpci_dev *zdev)
{
	zpci_mio_del_function(zdev);
}

/**
 * zpci_store_mio_maxstbl() - maximum store-block length for an MIO address
 * @mio_addr: MIO address of BAR space (not a CPU address mapping it)
 *
 * Return: see zpci_mio_maxstbl().
 */
unsigned int zpci_store_mio_maxstbl(u64 mio_addr)
{
	return zpci_mio_maxstbl(&zpci_mio_functions, mio_addr);
}

/* The MIO address that ioremap() mapped at @addr; 0 if none. */
static u64 zpci_iomem_mio_addr(const volatile void __iomem *addr)
{
	const void *va = (const void __force *)addr;
	struct page *page;

	if (!is_vmalloc_addr(va))
		return 0;
	page = vmalloc_to_page(va);
	if (!page)
		return 0;
	return PFN_PHYS(page_to_pfn(page)) + offset_in_page(va);
}

/* The function behind an iomap cookie; NULL for MIO addresses. */
static struct zpci_dev *zpci_iomem_zdev(const volatile void __iomem *addr)
{
	if (static_branch_unlikely(&have_mio))
		return NULL;
	return READ_ONCE(zpci_iomap_start[ZPCI_IDX(addr)].zdev);
}

/**
 * zpci_iomem_maxstbl() - maximum store-block length for a BAR address
 * @zdev: the function of @addr's iomap entry; NULL and unused with MIO
 * @addr: iomap cookie, or with MIO an ioremap()ed address, of BAR space
 *
 * Return: the maxstbl in effect of the function that @addr belongs to;
 * ZPCI_MAX_READ_SIZE (single stores) if none is found.
 */
static unsigned int zpci_iomem_maxstbl(const struct zpci_dev *zdev,
				       const volatile void __iomem *addr)
{
	if (static_branch_unlikely(&have_mio))
		return zpci_store_mio_maxstbl(zpci_iomem_mio_addr(addr));
	return zdev ? READ_ONCE(zdev->maxstbl) : ZPCI_MAX_READ_SIZE;
}

/* Add the current run to the function's counters, then empty the run. */
static void zpci_tally_run(struct zpci_store_tally *t)
{
	struct zpci_store_stats *st = t->st;
	unsigned long size = t->run_size;
	s64 largest;

	if (!t->run_stores)
		return;
	atomic64_add(t->run_stores, &st->by_size[order_base_2(size)]);
	atomic64_add(t->run_stores * size, &st->bytes_stored);
	if (size <= ZPCI_MAX_READ_SIZE) {
		atomic64_add(t->run_stores, &st->single_stores);
	} else {
		atomic64_add(t->run_stores, &st->block_stores);
		largest = atomic64_read(&st->largest_block);
		while (size > largest &&
		       !atomic64_try_cmpxchg(&st->largest_block, &largest, size))
			;
	}
	t->run_stores = 0;
}

/**
 * zpci_tally_store() - count one store of a copy
 * @t: the copy's tally, its @st set
 * @pci: PCI address of the store
 * @size: its length
 */
VISIBLE_IF_KUNIT void zpci_tally_store(struct zpci_store_tally *t, u64 pci,
				       unsigned long size)
{
	if (size != t->run_size) {
		zpci_tally_run(t);
		t->run_size = size;
	}
	t->run_stores++;
	/* aligned to their length, single stores never cross */
	if (size > ZPCI_MAX_READ_SIZE &&
	    (pci & ZPCI_BOUNDARY_MASK) + size > ZPCI_BOUNDARY_SIZE)
		t->crossing++;
}
EXPORT_SYMBOL_IF_KUNIT(zpci_tally_store);

/**
 * zpci_tally_end() - add what a copy's tally holds to the counters
 * @t: the copy's tally, its @st set
 */
VISIBLE_IF_KUNIT void zpci_tally_end(struct zpci_store_tally *t)
{
	zpci_tally_run(t);
	if (t->crossing)
		atomic64_add(t->crossing, &t->st->blocks_crossing);
	t->crossing = 0;
}
EXPORT_SYMBOL_IF_KUNIT(zpci_tally_end);

/**
 * zpci_memcpy_toio() - copy from memory to zPCI BAR space
 * @dst: iomap cookie or MIO address of the destination
 * @src: source in memory
 * @n: bytes to copy
 *
 * The stores that completed are added to the function's counters in runs,
 * the last when the copy ends; a failing store is not counted.
 *
 * Return: 0 on success, a negative error code from the first failing store.
 */
int zpci_memcpy_toio(volatile void __iomem *dst, const void *src,
		     unsigned long n)
{
	struct zpci_dev *zdev = zpci_iomem_zdev(dst);
	unsigned int maxstbl = zpci_iomem_maxstbl(zdev, dst);
	struct zpci_store_tally t = { .st = zdev ? &zdev->store_stats : NULL };
	unsigned long size;
	int rc = 0;

	if (!src)
		return -EINVAL;

	while (n > 0) {
		size = zpci_store_len((u64 __force)dst, (u64)src, n, maxstbl);
		if (size > ZPCI_MAX_READ_SIZE)
			rc = zpci_write_block(dst, src, size);
		else
			rc = zpci_write_single(dst, src, size);
		if (rc)
			break;
		if (t.st)
			zpci_tally_store(&t, (u64 __force)dst, size);
		src += size;
		dst += size;
		n -= size;
	}
	if (t.st)
		zpci_tally_end(&t);
	return rc;
}
EXPORT_SYMBOL(zpci_memcpy_toio);

/**
 * zpci_memcpy_fromio() - copy from zPCI BAR space to memory
 * @dst: destination in memory
 * @src: iomap cookie or MIO address of the source
 * @n: bytes to copy
 *
 * The loads that completed are added to the function's counters when the
 * copy ends; a failing load is not counted.
 *
 * Return: 0 on success, a negative error code from the first failing load.
 */
int zpci_memcpy_fromio(void *dst, const volatile void __iomem *src,
		       unsigned long n)
{
	struct zpci_dev *zdev = zpci_iomem_zdev(src);
	unsigned long size, left = n, loads = 0;
	int rc = 0;

	while (left > 0) {
		size = zpci_load_len((u64 __force)src, left);
		rc = zpci_read_single(dst, src, size);
		if (rc)
			break;
		loads++;
		src += size;
		dst += size;
		left -= size;
	}
	if (zdev && loads) {
		atomic64_add(loads, &zdev->store_stats.loads);
		atomic64_add(n - left, &zdev->store_stats.bytes_loaded);
	}
	return rc;
}
EXPORT_SYMBOL(zpci_memcpy_fromio);

#define ZPCI_STORE_STAT(_name, _member) \
	{ _name, offsetof(struct zpci_store_stats, _member) }

/* The counters before the size classes, as the statistics file names them */
static const struct {
	const char *name;
	size_t offset;
} zpci_store_stat_fields[] = {
	ZPCI_STORE_STAT("Copy loads", loads),
	ZPCI_STORE_STAT("Copy single stores", single_stores),
	ZPCI_STORE_STAT("Copy store blocks", block_stores),
	ZPCI_STORE_STAT("Copy bytes loaded", bytes_loaded),
	ZPCI_STORE_STAT("Copy bytes stored", bytes_stored),
	ZPCI_STORE_STAT("Copy largest store block", largest_block),
	ZPCI_STORE_STAT("Copy blocks across 4K", blocks_crossing),
};

/**
 * zpci_store_stats_show() - show a function's copy counters
 * @m: seq_file of the function's debugfs "statistics" file
 * @zdev: the function
 *
 * One "<name>:<TAB><value>" line a counter, the name right-aligned in 26
 * columns as the file's software counters are, the size classes named
 * "Copy stores up to <2^i>".
 */
void zpci_store_stats_show(struct seq_file *m, struct zpci_dev *zdev)
{
	struct zpci_store_stats *st = &zdev->store_stats;
	char name[32];
	int i;

	for (i = 0; i < ARRAY_SIZE(zpci_store_stat_fields); i++)
		seq_printf(m, "%26s:\t%lld\n", zpci_store_stat_fields[i].name,
			   atomic64_read((atomic64_t *)((char *)st +
					 zpci_store_stat_fields[i].offset)));
	for (i = 0; i < ZPCI_STORE_CLASSES; i++) {
		snprintf(name, sizeof(name), "Copy stores up to %lu", 1UL << i);
		seq_printf(m, "%26s:\t%lld\n", name,
			   atomic64_read(&st->by_size[i]));
	}
}
