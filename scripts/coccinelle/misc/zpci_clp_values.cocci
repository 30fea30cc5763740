// SPDX-License-Identifier: GPL-2.0
/// zPCI code outside the CLP capability layer (arch/s390/pci/pci_caps*.c,
/// and pci_clp_override.c, which edits raw responses for tests)
/// must use the values in effect that the layer decodes and validates
/// (the fields of struct zpci_dev), not raw fields of the CLP query-function
/// and query-group responses, and not constants that stand for the values
/// of one card: ZPCI_MAX_WRITE_SIZE as the store-block limit (but for the
/// VFIO group capability, where it bounds what an intercepting VMM accepts),
/// SZ_4K as the IOMMU page-size set, region-third as the only table type.
///
//# There is no automatic fix: the value in effect has to be looked up where
//# the function is known, so patch mode changes nothing.  Use report, org
//# or context mode.  The rules are in Documentation/arch/s390/zpci-clp.rst.
//
// Confidence: High
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
def outside_caps_layer(p):
	"""The capability layer decodes the raw responses; its test-only
	override (pci_clp_override.c) edits them before it does."""
	return not any(f in p[0].file for f in ('/pci_caps', '/pci_clp_override'))

def store_limit_outside_caps_layer(p):
	"""ZPCI_MAX_WRITE_SIZE as a store-block limit.  The VFIO group
	capability is the exception: there it is the contract with an
	intercepting VMM, the size of the buffer QEMU copies a guest's PCI
	STORE BLOCK into, which no group value may raise."""
	return outside_caps_layer(p) and '/vfio_pci_zdev' not in p[0].file

//----------------------------------------------------------
//  For context mode
//----------------------------------------------------------

@ctx depends on context && !patch@
struct clp_rsp_query_pci *fn;
struct clp_rsp_query_pci_grp *grp;
identifier ff = {sdma, edma, bar_size, fmb_len, util_str, pfip};
identifier gf = {noi, dnoi, version, frame, refresh, maxstbl, mui, dtsm, dasm, msia};
expression E;
position p : script:python() { outside_caps_layer(p) };
@@
(
* fn->ff@p
|
* grp->gf@p
|
* E->origin_type = ZPCI_TABLE_TYPE_RTX@p
)

@ctx_wr depends on context && !patch@
position p : script:python() { store_limit_outside_caps_layer(p) };
@@
* ZPCI_MAX_WRITE_SIZE@p

@ctx_ops depends on context && !patch@
identifier ops;
position p;
@@
struct iommu_ops ops = {
*	.pgsize_bitmap = SZ_4K@p,
};

//----------------------------------------------------------
//  For org and report mode
//----------------------------------------------------------

@r depends on (org || report) && !patch@
struct clp_rsp_query_pci *fn;
struct clp_rsp_query_pci_grp *grp;
identifier ff = {sdma, edma, bar_size, fmb_len, util_str, pfip};
identifier gf = {noi, dnoi, version, frame, refresh, maxstbl, mui, dtsm, dasm, msia};
expression E;
position p : script:python() { outside_caps_layer(p) };
@@
(
 fn->ff@p
|
 grp->gf@p
|
 E->origin_type = ZPCI_TABLE_TYPE_RTX@p
)

@r_wr depends on (org || report) && !patch@
position p : script:python() { store_limit_outside_caps_layer(p) };
@@
 ZPCI_MAX_WRITE_SIZE@p

@r_ops depends on (org || report) && !patch@
identifier ops;
position p;
@@
struct iommu_ops ops = {
	.pgsize_bitmap = SZ_4K@p,
};

@script:python depends on org@
p << r.p;
@@
coccilib.org.print_todo(p[0], "WARNING raw CLP value or card constant outside the zPCI capability layer")

@script:python depends on org@
p << r_wr.p;
@@
coccilib.org.print_todo(p[0], "WARNING raw CLP value or card constant outside the zPCI capability layer")

@script:python depends on org@
p << r_ops.p;
@@
coccilib.org.print_todo(p[0], "WARNING SZ_4K as the IOMMU page-size set: use the frame sizes in effect")

@script:python depends on report@
p << r.p;
@@
coccilib.report.print_report(p[0], "WARNING raw CLP value or card constant outside the zPCI capability layer: use the value in effect")

@script:python depends on report@
p << r_wr.p;
@@
coccilib.report.print_report(p[0], "WARNING raw CLP value or card constant outside the zPCI capability layer: use the value in effect")

@script:python depends on report@
p << r_ops.p;
@@
coccilib.report.print_report(p[0], "WARNING SZ_4K as the IOMMU page-size set: use the frame sizes in effect")
