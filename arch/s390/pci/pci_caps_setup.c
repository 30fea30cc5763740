// SPDX-License-Identifier: GPL-2.0
/*
 * zPCI capability layer: the function-group cache and the glue that turns
 * the CLP responses of a new function into its values in effect.
 *
 * A group is queried once per pfgid; the raw response is cached for the
 * life of the system and shared by every function of the group, including
 * functions that are hot-plugged later. Only a complete response is
 * cached: a short one serves the function that got it, and the next
 * function of the group asks again. Entries are never freed: there are
 * at most 256 of them, each the size of one query-group response.
 *
 * Copyright IBM Corp. 2026
 */

#define KMSG_COMPONENT "zpci"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/pci.h>
#include <asm/pci_caps.h>
#include <asm/pci_debug.h>

/* Raw query-group responses by pfgid, protected by zpci_caps_grp_lock */
static struct clp_rsp_query_pci_grp *zpci_caps_grp[ZPCI_CAPS_NR_GROUPS];
static DEFINE_MUTEX(zpci_caps_grp_lock);
static u64 zpci_caps_grp_issued;	/* group queries issued */
static u64 zpci_caps_grp_saved;		/* group queries answered by the cache */
static u64 zpci_caps_grp_failed;	/* group queries that failed */

/**
 * zpci_caps_group_stats() - read the group-cache counters
 * @issued: number of query-group requests issued
 * @saved: number of query-group requests the cache made unnecessary
 * @failed: number of query-group requests that failed
 * @cached: number of groups in the cache
 */
void zpci_caps_group_stats(u64 *issued, u64 *saved, u64 *failed,
			   unsigned int *cached)
{
	unsigned int i, n = 0;

	mutex_lock(&zpci_caps_grp_lock);
	*issued = zpci_caps_grp_issued;
	*saved = zpci_caps_grp_saved;
	*failed = zpci_caps_grp_failed;
	for (i = 0; i < ZPCI_CAPS_NR_GROUPS; i++)
		n += !!zpci_caps_grp[i];
	mutex_unlock(&zpci_caps_grp_lock);
	*cached = n;
}

/**
 * zpci_caps_group_get() - get the raw query-group response of a group
 * @pfgid: function group id
 * @grp: the response is copied here
 *
 * Answers from the cache when the group is known, otherwise issues the
 * query-group request and caches the response if it is complete.
 *
 * Return: 0 on success, a negative error code if the group query failed.
 */
static int zpci_caps_group_get(u8 pfgid, struct clp_rsp_query_pci_grp *grp)
{
	struct clp_rsp_query_pci_grp *entry;
	int rc = 0;

	mutex_lock(&zpci_caps_grp_lock);
	entry = zpci_caps_grp[pfgid];
	if (entry) {
		memcpy(grp, entry, sizeof(*grp));
		zpci_caps_grp_saved++;
		zpci_dbg(3, "grp hit pfgid:%x\n", pfgid);
		goto out;
	}

	zpci_caps_grp_issued++;
	rc = clp_query_pci_fngrp(pfgid, grp);
	if (rc) {
		zpci_caps_grp_failed++;
		zpci_dbg(0, "grp query pfgid:%x, rc:%d\n", pfgid, rc);
		goto out;
	}
	zpci_dbg(3, "grp query pfgid:%x, len:%u\n", pfgid, grp->hdr.len);
	/* a short response is not the group's: do not keep it */
	if (grp->hdr.len != sizeof(*grp))
		goto out;
	/* failing to cache only costs a later query */
	entry = kmemdup(grp, sizeof(*grp), GFP_KERNEL);
	if (entry)
		zpci_caps_grp[pfgid] = entry;
out:
	mutex_unlock(&zpci_caps_grp_lock);
	return rc;
}

/* A group's line of expected fallbacks: a kernel log line's worth */
#define ZPCI_CAPS_SUMMARY_LEN		512
static_assert(ZPCI_CAPS_SUMMARY_LEN > ZPCI_CAPS_SEEN_OUTCOME_LEN);

/* Expected fallbacks not yet printed, and the text of their lines */
static struct zpci_caps_seen zpci_caps_seen;
static char zpci_caps_summary_buf[ZPCI_CAPS_SUMMARY_LEN];
static DEFINE_MUTEX(zpci_caps_msg_lock);
static bool zpci_caps_booted;	/* the boot's bus scan has been summed up */

/**
 * zpci_caps_print_summary() - one line per group for its expected fallbacks
 *
 * Names each expected fallback of the group's functions since the group's
 * last line, and how many functions had it; nothing for a group without.
 *
 * Context: process context, zpci_caps_msg_lock held.
 */
static void zpci_caps_print_summary(void)
{
	int group;

	while ((group = zpci_caps_seen_summary(&zpci_caps_seen, zpci_caps_summary_buf,
					       sizeof(zpci_caps_summary_buf))) >= 0)
		pr_info("group %x: expected CLP values replaced (reported->used xN functions):%s\n",
			group, zpci_caps_summary_buf);
}

/**
 * zpci_caps_summary_fn() - sum up the functions added in the last second
 * @work: the delayed work
 */
static void zpci_caps_summary_fn(struct work_struct *work)
{
	mutex_lock(&zpci_caps_msg_lock);
	zpci_caps_print_summary();
	mutex_unlock(&zpci_caps_msg_lock);
}

static DECLARE_DELAYED_WORK(zpci_caps_summary_work, zpci_caps_summary_fn);

/**
 * zpci_caps_summary_init() - sum up the functions found at boot
 *
 * The boot's bus scan is over (pci_base_init() is a subsys initcall): one
 * line per group counts the expected fallbacks it met.  From now on,
 * functions added by hot-plug are summed up a second after the first one
 * with an expected fallback.
 *
 * Return: 0.
 */
static int __init zpci_caps_summary_init(void)
{
	mutex_lock(&zpci_caps_msg_lock);
	zpci_caps_booted = true;
	zpci_caps_print_summary();
	mutex_unlock(&zpci_caps_msg_lock);
	return 0;
}
late_initcall(zpci_caps_summary_init);

/**
 * zpci_caps_quiet_fallbacks() - the fallbacks to leave out of a line
 * @caps: the function's decoded capabilities
 *
 * Return: mask of BIT(&enum zpci_caps_field), see zpci_caps_quiet().
 */
static unsigned long zpci_caps_quiet_fallbacks(const struct zpci_caps *caps)
{
	unsigned long quiet;

	mutex_lock(&zpci_caps_msg_lock);
	quiet = zpci_caps_quiet(&zpci_caps_seen, caps);
	if (quiet && zpci_caps_booted)
		schedule_delayed_work(&zpci_caps_summary_work, HZ);
	mutex_unlock(&zpci_caps_msg_lock);
	return quiet;
}

/**
 * zpci_caps_report_fallbacks() - make the fallbacks of a function visible
 * @zdev: the function
 * @caps: its decoded capabilities
 *
 * One s390dbf entry per fallback.  One pr_info line per function names
 * its fallbacks with the reported and the used value, except expected
 * ones (zpci_caps_fallback_expected()): those are counted in one line per
 * group, at the end of the boot or a second after a hot-plug.  The
 * function's line has room for every field;
 * if that room cannot be allocated it names none (the s390dbf entries
 * still do).  A refused MSI or function measurement adds a pr_warn, a
 * refused function a pr_err.
 */
static void zpci_caps_report_fallbacks(struct zpci_dev *zdev,
				       const struct zpci_caps *caps)
{
	const size_t size = ZPCI_CAPS_NR_FIELDS * ZPCI_CAPS_FALLBACK_STR_LEN + 1;
	unsigned long quiet = zpci_caps_quiet_fallbacks(caps);
	bool any = false;
	char *buf = NULL;
	size_t len = 0;
	int i;

	for (i = 0; i < ZPCI_CAPS_NR_FIELDS; i++) {
		const struct zpci_caps_value *v = &caps->val[i];

		if (v->source != ZPCI_CAPS_SRC_FALLBACK)
			continue;
		zpci_dbg(3, "cap fid:%x, %s:%llx->%llx\n", zdev->fid,
			 zpci_caps_field_name(i), v->reported, v->effective);
		if (quiet & BIT(i))
			continue;
		if (!any)
			buf = kzalloc(size, GFP_KERNEL);
		any = true;
		if (buf)
			len += zpci_caps_fallback_str(buf + len, size - len, i, v);
	}
	if (any)
		pr_info("fid %x: CLP values replaced (reported->used):%s\n",
			zdev->fid, buf ?: " (see s390dbf pci_msg)");
	kfree(buf);

	if (caps->flags & ZPCI_CAPS_F_NO_MSI)
		pr_warn("fid %x: MSI refused: noi %llu, msia 0x%llx reported\n",
			zdev->fid, caps->val[ZPCI_CAPS_NOI].reported,
			caps->val[ZPCI_CAPS_MSIA].reported);
	if (caps->flags & ZPCI_CAPS_F_NO_FMB)
		pr_warn("fid %x: function measurement refused: fmb_len %llu, more than the %zu bytes of its block\n",
			zdev->fid, caps->val[ZPCI_CAPS_FMB_LEN].reported,
			sizeof(struct zpci_fmb));
	if (caps->flags & ZPCI_CAPS_F_REFUSED)
		pr_err("fid %x: refused: no usable DMA aperture in sdma 0x%llx edma 0x%llx dasm 0x%llx\n",
		       zdev->fid, caps->val[ZPCI_CAPS_SDMA].reported,
		       caps->val[ZPCI_CAPS_EDMA].reported,
		       caps->val[ZPCI_CAPS_DASM].reported);
}

/**
 * zpci_caps_setup() - decode the CLP values of a new function
 * @zdev: the function; its zdev fields are filled from the values in effect
 * @fn: raw query-function response; the override hook may modify it
 *
 * Gets the group response (cached or queried), lets the override hooks
 * replace raw fields, decodes and validates both responses, reports every
 * fallback, and fills the zdev fields (zpci_caps_apply()).
 *
 * Return: 0 on success, -EINVAL if the function must be refused, or the
 * error of the group query or of the allocation.
 */
int zpci_caps_setup(struct zpci_dev *zdev, struct clp_rsp_query_pci *fn)
{
	struct clp_rsp_query_pci_grp grp;
	struct zpci_caps *caps;
	unsigned long override;
	int rc;

	override = zpci_caps_inject_fn(zdev->fid, fn);
	rc = zpci_caps_group_get(fn->pfgid, &grp);
	if (rc) {
		pr_err("fid %x: refused: query of function group %x failed: %d\n",
		       zdev->fid, fn->pfgid, rc);
		return rc;
	}
	override |= zpci_caps_inject_grp(zdev->fid, fn->pfgid, &grp);

	caps = kmalloc(sizeof(*caps), GFP_KERNEL);
	if (!caps)
		return -ENOMEM;
	rc = zpci_caps_decode(fn, &grp, override, caps);
	zpci_caps_report_fallbacks(zdev, caps);
	if (rc)
		zpci_dbg(0, "cap fid:%x, rc:%d\n", zdev->fid, rc);
	else
		zpci_caps_apply(zdev, caps, fn);
	zpci_dbg(3, "cap fid:%x, pfgid:%x, flags:%x\n", zdev->fid,
		 fn->pfgid, caps->flags);
	kfree(caps);
	return rc;
}
