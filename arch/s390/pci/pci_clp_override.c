// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only override of zPCI CLP query responses (CONFIG_ZPCI_CLP_OVERRIDE).
 *
 * Replaces chosen fields of the raw query-function and query-group
 * responses of a function, by function id or by function group id, before
 * the capability layer decodes them, so that a test can present any value
 * a hypervisor could report - narrower than QEMU's, or impossible - to the
 * real code path.  Set from the kernel command line (zpci_clp_override=)
 * and from debugfs (pci/clp_override).  The syntax and the fields are in
 * Documentation/arch/s390/zpci-clp.rst.
 */

#define KMSG_COMPONENT "zpci"
#define pr_fmt(fmt) KMSG_COMPONENT ": " fmt

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/pci.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/pci_caps.h>
#include <asm/pci_debug.h>

/* Which response a field lives in */
enum clp_override_rsp {
	CLP_OVR_FN,
	CLP_OVR_GRP,
};

/**
 * struct clp_override_field - one field that can be overridden
 * @field: capability-layer field the value is decoded into; its name
 *	(zpci_caps_field_name()) is the name in the override syntax
 * @rsp: response the field lives in
 * @max: largest value the response field can hold
 */
struct clp_override_field {
	enum zpci_caps_field field;
	enum clp_override_rsp rsp;
	u64 max;
};

static const struct clp_override_field clp_override_fields[] = {
	{ ZPCI_CAPS_SDMA,	CLP_OVR_FN,	U64_MAX },
	{ ZPCI_CAPS_EDMA,	CLP_OVR_FN,	U64_MAX },
	{ ZPCI_CAPS_PFGID,	CLP_OVR_FN,	U8_MAX },
	{ ZPCI_CAPS_UID,	CLP_OVR_FN,	U32_MAX },
	{ ZPCI_CAPS_FMB_LEN,	CLP_OVR_FN,	U8_MAX },
	{ ZPCI_CAPS_BAR0_SIZE,	CLP_OVR_FN,	U8_MAX },
	{ ZPCI_CAPS_BAR1_SIZE,	CLP_OVR_FN,	U8_MAX },
	{ ZPCI_CAPS_BAR2_SIZE,	CLP_OVR_FN,	U8_MAX },
	{ ZPCI_CAPS_BAR3_SIZE,	CLP_OVR_FN,	U8_MAX },
	{ ZPCI_CAPS_BAR4_SIZE,	CLP_OVR_FN,	U8_MAX },
	{ ZPCI_CAPS_BAR5_SIZE,	CLP_OVR_FN,	U8_MAX },
	{ ZPCI_CAPS_DASM,	CLP_OVR_GRP,	U64_MAX },
	{ ZPCI_CAPS_DTSM,	CLP_OVR_GRP,	U8_MAX },
	{ ZPCI_CAPS_FRAME,	CLP_OVR_GRP,	1 },
	{ ZPCI_CAPS_REFRESH,	CLP_OVR_GRP,	1 },
	{ ZPCI_CAPS_RTR,	CLP_OVR_GRP,	1 },
	{ ZPCI_CAPS_NOI,		CLP_OVR_GRP,	0xfff },
	{ ZPCI_CAPS_DNOI,	CLP_OVR_GRP,	0xfff },
	{ ZPCI_CAPS_MSIA,	CLP_OVR_GRP,	U64_MAX },
	{ ZPCI_CAPS_MAXSTBL,	CLP_OVR_GRP,	0x1fff },
	{ ZPCI_CAPS_MUI,		CLP_OVR_GRP,	U16_MAX },
	{ ZPCI_CAPS_VERSION,	CLP_OVR_GRP,	U8_MAX },
};

#define CLP_OVR_NR_FIELDS ARRAY_SIZE(clp_override_fields)

/**
 * struct clp_override - the overrides of one function or one group
 * @list: entry in clp_overrides
 * @by_group: @id is a function group id (else a function id)
 * @id: function id or function group id
 * @set: bit i set: clp_override_fields[i] is replaced by @val[i]
 * @val: the values
 */
struct clp_override {
	struct list_head list;
	bool by_group;
	u32 id;
	unsigned long set;
	u64 val[CLP_OVR_NR_FIELDS];
};

static LIST_HEAD(clp_overrides);
static DEFINE_MUTEX(clp_override_lock);
static char *clp_override_param __initdata;

static int __init clp_override_setup(char *str)
{
	clp_override_param = str;
	return 1;
}
__setup("zpci_clp_override=", clp_override_setup);

/* Find the entry for a target; caller holds clp_override_lock. */
static struct clp_override *clp_override_find(bool by_group, u32 id)
{
	struct clp_override *o;

	list_for_each_entry(o, &clp_overrides, list)
		if (o->by_group == by_group && o->id == id)
			return o;
	return NULL;
}

/**
 * clp_override_parse_entry() - parse and store one override entry
 * @entry: "fid:<hex>,<field>=<value>,..." or "pfgid:<hex>,<field>=<value>,..."
 *
 * Values are parsed with base 0 and must fit the response field.  The
 * fields of an entry are merged into the stored entry of the same target.
 *
 * Return: 0 on success, -EINVAL or -ERANGE naming nothing stored on error.
 */
static int clp_override_parse_entry(char *entry)
{
	struct clp_override new = { }, *o;
	char *tok, *val;
	unsigned int i;
	u64 v;
	int rc;

	tok = strsep(&entry, ",");
	if (!tok)
		return -EINVAL;
	if (str_has_prefix(tok, "fid:"))
		new.by_group = false;
	else if (str_has_prefix(tok, "pfgid:"))
		new.by_group = true;
	else
		return -EINVAL;
	rc = kstrtou32(strchr(tok, ':') + 1, 16, &new.id);
	if (rc)
		return rc;
	if (new.by_group && new.id > U8_MAX)
		return -ERANGE;

	while ((tok = strsep(&entry, ","))) {
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		for (i = 0; i < CLP_OVR_NR_FIELDS; i++)
			if (!strcmp(tok, zpci_caps_field_name(clp_override_fields[i].field)))
				break;
		if (i == CLP_OVR_NR_FIELDS)
			return -EINVAL;
		rc = kstrtou64(val, 0, &v);
		if (rc)
			return rc;
		if (v > clp_override_fields[i].max)
			return -ERANGE;
		new.set |= BIT(i);
		new.val[i] = v;
	}
	if (!new.set)
		return -EINVAL;

	mutex_lock(&clp_override_lock);
	o = clp_override_find(new.by_group, new.id);
	if (!o) {
		o = kzalloc(sizeof(*o), GFP_KERNEL);
		if (!o) {
			mutex_unlock(&clp_override_lock);
			return -ENOMEM;
		}
		o->by_group = new.by_group;
		o->id = new.id;
		list_add_tail(&o->list, &clp_overrides);
	}
	for (i = 0; i < CLP_OVR_NR_FIELDS; i++) {
		if (new.set & BIT(i)) {
			o->set |= BIT(i);
			o->val[i] = new.val[i];
		}
	}
	mutex_unlock(&clp_override_lock);
	return 0;
}

/* Parse ";"-separated entries; stops at the first bad entry. */
static int clp_override_parse(char *spec)
{
	char *entry;
	int rc;

	while ((entry = strsep(&spec, ";"))) {
		entry = strim(entry);
		if (!*entry)
			continue;
		rc = clp_override_parse_entry(entry);
		if (rc) {
			pr_err("CLP override \"%s\" not taken: %d\n", entry, rc);
			return rc;
		}
	}
	return 0;
}

/* Drop every override; caller holds clp_override_lock. */
static void clp_override_clear(void)
{
	struct clp_override *o, *tmp;

	list_for_each_entry_safe(o, tmp, &clp_overrides, list) {
		list_del(&o->list);
		kfree(o);
	}
}

/* Read a response field as the decoder will. */
static u64 clp_override_get_field(const struct clp_rsp_query_pci *fn,
				  const struct clp_rsp_query_pci_grp *grp,
				  enum zpci_caps_field field)
{
	switch (field) {
	case ZPCI_CAPS_SDMA:
		return fn->sdma;
	case ZPCI_CAPS_EDMA:
		return fn->edma;
	case ZPCI_CAPS_PFGID:
		return fn->pfgid;
	case ZPCI_CAPS_UID:
		return fn->uid;
	case ZPCI_CAPS_FMB_LEN:
		return fn->fmb_len;
	case ZPCI_CAPS_BAR0_SIZE ... ZPCI_CAPS_BAR5_SIZE:
		return fn->bar_size[field - ZPCI_CAPS_BAR0_SIZE];
	case ZPCI_CAPS_DASM:
		return grp->dasm;
	case ZPCI_CAPS_DTSM:
		return grp->dtsm;
	case ZPCI_CAPS_FRAME:
		return grp->frame;
	case ZPCI_CAPS_REFRESH:
		return grp->refresh;
	case ZPCI_CAPS_RTR:
		return grp->rtr;
	case ZPCI_CAPS_NOI:
		return grp->noi;
	case ZPCI_CAPS_DNOI:
		return grp->dnoi;
	case ZPCI_CAPS_MSIA:
		return grp->msia;
	case ZPCI_CAPS_MAXSTBL:
		return grp->maxstbl;
	case ZPCI_CAPS_MUI:
		return grp->mui;
	case ZPCI_CAPS_VERSION:
		return grp->version;
	default:
		return 0;
	}
}

/* Write a response field; @v fits (checked at parse time). */
static void clp_override_set_field(struct clp_rsp_query_pci *fn,
				   struct clp_rsp_query_pci_grp *grp,
				   enum zpci_caps_field field, u64 v)
{
	switch (field) {
	case ZPCI_CAPS_SDMA:
		fn->sdma = v;
		break;
	case ZPCI_CAPS_EDMA:
		fn->edma = v;
		break;
	case ZPCI_CAPS_PFGID:
		fn->pfgid = v;
		break;
	case ZPCI_CAPS_UID:
		fn->uid = v;
		break;
	case ZPCI_CAPS_FMB_LEN:
		fn->fmb_len = v;
		break;
	case ZPCI_CAPS_BAR0_SIZE ... ZPCI_CAPS_BAR5_SIZE:
		fn->bar_size[field - ZPCI_CAPS_BAR0_SIZE] = v;
		break;
	case ZPCI_CAPS_DASM:
		grp->dasm = v;
		break;
	case ZPCI_CAPS_DTSM:
		grp->dtsm = v;
		break;
	case ZPCI_CAPS_FRAME:
		grp->frame = v;
		break;
	case ZPCI_CAPS_REFRESH:
		grp->refresh = v;
		break;
	case ZPCI_CAPS_RTR:
		grp->rtr = v;
		break;
	case ZPCI_CAPS_NOI:
		grp->noi = v;
		break;
	case ZPCI_CAPS_DNOI:
		grp->dnoi = v;
		break;
	case ZPCI_CAPS_MSIA:
		grp->msia = v;
		break;
	case ZPCI_CAPS_MAXSTBL:
		grp->maxstbl = v;
		break;
	case ZPCI_CAPS_MUI:
		grp->mui = v;
		break;
	case ZPCI_CAPS_VERSION:
		grp->version = v;
		break;
	default:
		break;
	}
}

/*
 * Apply the overrides of one response kind that match the function (by
 * fid) or its group (by pfgid); a function's own entry wins over its
 * group's.  Logs every replaced value once.
 */
static unsigned long clp_override_apply(u32 fid, u8 pfgid,
					enum clp_override_rsp rsp,
					struct clp_rsp_query_pci *fn,
					struct clp_rsp_query_pci_grp *grp)
{
	struct clp_override *by_fn, *by_grp, *o;
	unsigned long replaced = 0;
	unsigned int i;
	u64 old;

	mutex_lock(&clp_override_lock);
	by_fn = clp_override_find(false, fid);
	by_grp = clp_override_find(true, pfgid);
	for (i = 0; i < CLP_OVR_NR_FIELDS; i++) {
		const struct clp_override_field *f = &clp_override_fields[i];

		if (f->rsp != rsp)
			continue;
		o = by_fn && (by_fn->set & BIT(i)) ? by_fn :
		    by_grp && (by_grp->set & BIT(i)) ? by_grp : NULL;
		if (!o)
			continue;
		old = clp_override_get_field(fn, grp, f->field);
		clp_override_set_field(fn, grp, f->field, o->val[i]);
		replaced |= BIT(f->field);
		pr_info("fid %x: CLP override (%s %x): %s 0x%llx->0x%llx\n",
			fid, o->by_group ? "pfgid" : "fid", o->id,
			zpci_caps_field_name(f->field),
			old, o->val[i]);
		zpci_dbg(3, "ovr fid:%x, %s:%llx->%llx\n", fid,
			 zpci_caps_field_name(f->field), old,
			 o->val[i]);
	}
	mutex_unlock(&clp_override_lock);
	return replaced;
}

/**
 * zpci_caps_inject_fn() - override query-function response fields
 * @fid: function id
 * @fn: raw query-function response, modified in place
 *
 * Applies the entries for @fid and for the group @fn reports.
 *
 * Return: mask of BIT(enum zpci_caps_field) of the fields replaced.
 */
unsigned long zpci_caps_inject_fn(u32 fid, struct clp_rsp_query_pci *fn)
{
	return clp_override_apply(fid, fn->pfgid, CLP_OVR_FN, fn, NULL);
}

/**
 * zpci_caps_inject_grp() - override query-group response fields
 * @fid: function id the group response is decoded for
 * @pfgid: the function's group id (after any override of it)
 * @grp: per-function copy of the raw query-group response, modified
 *
 * Return: mask of BIT(enum zpci_caps_field) of the fields replaced.
 */
unsigned long zpci_caps_inject_grp(u32 fid, u8 pfgid,
				   struct clp_rsp_query_pci_grp *grp)
{
	return clp_override_apply(fid, pfgid, CLP_OVR_GRP, NULL, grp);
}

static int clp_override_show(struct seq_file *m, void *v)
{
	struct clp_override *o;
	unsigned int i;

	mutex_lock(&clp_override_lock);
	list_for_each_entry(o, &clp_overrides, list) {
		seq_printf(m, "%s:%x", o->by_group ? "pfgid" : "fid", o->id);
		for (i = 0; i < CLP_OVR_NR_FIELDS; i++)
			if (o->set & BIT(i))
				seq_printf(m, ",%s=0x%llx",
					   zpci_caps_field_name(clp_override_fields[i].field),
					   o->val[i]);
		seq_putc(m, '\n');
	}
	mutex_unlock(&clp_override_lock);
	return 0;
}

/* Write "clear" to drop every override, or entries to add them. */
static ssize_t clp_override_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	char *buf;
	int rc;

	if (len > PAGE_SIZE - 1)
		return -E2BIG;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (!strcmp(strim(buf), "clear")) {
		mutex_lock(&clp_override_lock);
		clp_override_clear();
		mutex_unlock(&clp_override_lock);
		rc = 0;
	} else {
		rc = clp_override_parse(buf);
	}
	kfree(buf);
	return rc ? rc : len;
}

DEFINE_SHOW_STORE_ATTRIBUTE(clp_override);

/**
 * zpci_clp_override_debugfs_init() - create pci/clp_override
 * @root: the zPCI debugfs directory
 */
void zpci_clp_override_debugfs_init(struct dentry *root)
{
	debugfs_create_file("clp_override", 0600, root, NULL,
			    &clp_override_fops);
}

/* Take the boot-time overrides before zPCI scans its functions. */
static int __init clp_override_init(void)
{
	char *spec;

	if (!clp_override_param)
		return 0;
	spec = kstrdup(clp_override_param, GFP_KERNEL);
	if (!spec)
		return -ENOMEM;
	if (!clp_override_parse(spec))
		pr_info("CLP override from the command line: %s\n",
			clp_override_param);
	kfree(spec);
	return 0;
}
core_initcall(clp_override_init);
