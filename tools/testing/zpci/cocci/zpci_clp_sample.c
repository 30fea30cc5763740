// SPDX-License-Identifier: GPL-2.0
/*
 * Sample violations for scripts/coccinelle/misc/zpci_clp_values.cocci:
 * every function below breaks the rule once and must be reported
 * (tools/testing/zpci/cocci-test.sh counts 7 findings).
 */
struct clp_rsp_query_pci {
	unsigned long long sdma, edma;
	unsigned char bar_size[6];
	unsigned char fmb_len;
};

struct clp_rsp_query_pci_grp {
	unsigned short noi, maxstbl, mui;
	unsigned char dtsm;
	unsigned long long dasm;
};

struct iommu_ops {
	unsigned long pgsize_bitmap;
};

struct s390_domain {
	int origin_type;
};

struct zpci_dev {
	unsigned long long start_dma;
	unsigned int max_msi;
	unsigned int maxstbl;
};

void sample_fn(struct zpci_dev *zdev, struct clp_rsp_query_pci *response)
{
	zdev->start_dma = response->sdma;
}

void sample_grp(struct zpci_dev *zdev, struct clp_rsp_query_pci_grp *response)
{
	zdev->max_msi = response->noi;
}

void sample_grp_maxstbl(struct zpci_dev *zdev, struct clp_rsp_query_pci_grp *grp)
{
	zdev->maxstbl = grp->maxstbl;
}

int sample_bar(struct clp_rsp_query_pci *fn)
{
	return 1 << fn->bar_size[0];
}

unsigned int sample_write_size(void)
{
	return ZPCI_MAX_WRITE_SIZE;
}

void sample_table(struct s390_domain *d)
{
	d->origin_type = ZPCI_TABLE_TYPE_RTX;
}

static struct iommu_ops sample_ops = {
	.pgsize_bitmap = SZ_4K,
};

/* Values in effect: not reported */
unsigned int sample_ok(struct zpci_dev *zdev)
{
	return zdev->maxstbl;
}
