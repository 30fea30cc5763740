/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CLP fault injection hooks (pci_clp_fault.c, CONFIG_FAIL_ZPCI_CLP,
 * testing only): around every CLP request, make a request the
 * fault-injection framework picks fail (condition code 3 or an error
 * response code, instead of issuing it) or shorten its response.  Without
 * the option they do nothing and cost nothing.
 */
#ifndef __S390_PCI_CLP_FAULT_H
#define __S390_PCI_CLP_FAULT_H

struct dentry;

/* zpci_clp_fault_before(): issue the request; issue it, then cut it */
#define ZPCI_CLP_FAULT_NONE	(-1)
#define ZPCI_CLP_FAULT_CUT	(-2)

#ifdef CONFIG_FAIL_ZPCI_CLP
int zpci_clp_fault_before(void *rrb);
void zpci_clp_fault_cut(void *rrb);
void zpci_clp_fault_debugfs_init(struct dentry *root);
#else
static inline int zpci_clp_fault_before(void *rrb)
{
	return ZPCI_CLP_FAULT_NONE;
}

static inline void zpci_clp_fault_cut(void *rrb)
{
}

static inline void zpci_clp_fault_debugfs_init(struct dentry *root)
{
}
#endif

#endif /* __S390_PCI_CLP_FAULT_H */
