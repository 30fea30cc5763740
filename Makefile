# SPDX-License-Identifier: GPL-2.0
# zpci-clp: entry points.  See README.
#
#   make          install what is missing, prepare the patched tree, build the kernel
#   make run      boot the default profile and print the per-function CLP table
#   make test     every check and test; ends with "N passed, N failed"; without
#                 BASE (CI): 7.2's full set and 6.12's core set (test-both.sh)
#   make check    sparse, coccinelle, checkpatch, kernel-doc, htmldocs, ABI entries,
#                 git am of the series, shadow check
#   make stock    build the pristine base kernel with the same configuration
#   make bench    the stock kernel against ours, same configuration, same QEMU:
#                 build/results/bench.md (table) and bench.png (plot)
#   make hostile  every variant of profile hostile: one impossible CLP value per
#                 boot, and all at once (make test boots only that last one)
#   make soak     the full hot-plug soak (profile soak-full, 100 cycles) on the
#                 KASAN kernel
#   make series   git format-patch series + cover letter in build/series/out,
#                 checked with git am and built at every commit (SERIES_BUILD=0: not
#                 built, SERIES_BUILD=K: built from commit K on)
#
# BASE=6.12 (default) or BASE=7.2 selects the base kernel and its QEMU for
# every target (tools/testing/zpci/base.sh) but plain make test, which
# tests both: BASE=7.2 make series mails the series for mainline, the
# default the 6.12 LTS backport.

ZPCI      := tools/testing/zpci
# BASE_GIVEN: empty when neither the command line nor the environment
# names a base (an empty BASE names none): then make test tests both.
BASE_GIVEN := $(strip $(BASE))
ifeq ($(BASE_GIVEN),)
override BASE := 6.12
endif
export BASE
# BTAG: "" for 6.12, "72" for 7.2 (build/kbuild/zpci72-test); the paths of base.sh.
BASEVARS  := $(shell BASE='$(BASE)' bash -c '. $(ZPCI)/base.sh && echo "x$$BASE_TAG $$BASE_VERFILE $$ZPCI_TREE $$RESULTS_DIR"')
ifeq ($(words $(BASEVARS)),4)
BTAG      := $(patsubst x%,%,$(word 1,$(BASEVARS)))
VERFILE   := $(word 2,$(BASEVARS))
TREE      := $(word 3,$(BASEVARS))
RESDIR    := $(word 4,$(BASEVARS))
else
$(error BASE=$(BASE): 6.12 or 7.2)
endif
VARIANT   ?= test
PROFILE   ?= default
REPORT    ?= table
KBUILD    := build/kbuild/zpci$(BTAG)-$(VARIANT)
BZIMAGE   := $(KBUILD)/arch/s390/boot/bzImage
STOCK     := build/kbuild/stock$(BTAG)-$(VARIANT)/arch/s390/boot/bzImage

.PHONY: all deps prepare kernel stock initramfs run shell test check hostile soak series bench clean

all: kernel
	@echo "base version:  $$(cat $(VERFILE))"
	@echo "patched tree:  $(TREE)"
	@echo "kernel image:  $(BZIMAGE) (config: $(KBUILD)/.config)"
	@echo "results:       $(RESDIR)/"

deps:
	@bash $(ZPCI)/install-deps.sh

prepare: deps
	@bash $(ZPCI)/prepare-tree.sh

kernel: prepare
	@bash $(ZPCI)/build-kernel.sh zpci $(VARIANT)

stock: prepare
	@bash $(ZPCI)/build-kernel.sh stock $(VARIANT)

initramfs: kernel
	@bash $(ZPCI)/mkinitramfs.sh $(KBUILD)

# REPORT=full: every CLP field as the guest printed it, before the table;
# TESTS="a b": run these instead of the profile's tests.
run: initramfs
	@python3 $(ZPCI)/zpci_run.py --kernel $(BZIMAGE) $(PROFILE) \
		$(if $(filter 1,$(SHELL_MODE)),--shell,--report $(REPORT)) $(if $(TESTS),--tests '$(TESTS)')

shell:
	@$(MAKE) --no-print-directory run SHELL_MODE=1

ifeq ($(BASE_GIVEN),)
test:
	@VARIANT=$(VARIANT) bash $(ZPCI)/test-both.sh
else
test: initramfs
	@bash $(ZPCI)/run-tests.sh $(BZIMAGE)
endif

check: kernel
	@bash $(ZPCI)/check.sh

# Every variant of profile hostile, one boot each.
hostile: initramfs
	@python3 $(ZPCI)/zpci_run.py --kernel $(BZIMAGE) hostile

# The full hot-plug soak: 100 cycles under load on the KASAN kernel.
soak:
	@$(MAKE) --no-print-directory initramfs VARIANT=kasan
	@python3 $(ZPCI)/zpci_run.py --kernel build/kbuild/zpci$(BTAG)-kasan/arch/s390/boot/bzImage \
		--kernel-name kasan soak-full

series: prepare
	@bash $(ZPCI)/make-series.sh

# BENCH_START: when make bench started, for the report (prerequisites included).
bench: BENCH_START := $(shell date +%s)
bench: prepare
	@BENCH_START=$(BENCH_START) bash $(ZPCI)/bench/bench.sh

clean:
	rm -rf build/kbuild build/src build/results build/initramfs build/initramfs.cpio.gz build/bench \
		build/results-7.2 build/initramfs72 build/initramfs-7.2.cpio.gz \
		build/series/kbuild build/series/out
