# KOS-A64: a capability microkernel for 64-bit ARM.
#
#   make                     build the kernel for PLATFORM (virt by default)
#   make run                 boot it in QEMU (quit: Ctrl-A X)
#   make test                build every image and run every test (host + QEMU console)
#   make policy-test SOLUTION=x   run the PAL tests of solution x's security.psl on the host
#   make policy-coverage SOLUTION=x   the same, then each binding and rule with its counts
#                            (PAL and a boot of x whose kernel counts: POLICY_COUNTERS=1)
#   make ... VARS="A=1 B=x"  template variables of init.yaml/security.psl (docs/INIT.md)
#   make images              every solution's image for PLATFORM (SOLUTIONS narrows it)
#   make size                kernel .text/.rodata/.data and the size of each built image
#   make debug               QEMU halted with a gdb server
#   make PLATFORM=rpi4       Raspberry Pi 4 build (kernel8.img, config.txt)
#   make PLATFORM=rpi4 sdcard   bootable SD card image
#   make bench-smp           wall-clock IPC across cores, multi-threaded TCG (tools/bench_smp.py)
#   make fuzz-host           libFuzzer runs of the host parser targets (FUZZ_HOST_SECONDS)
#   make deps                install missing host packages and fetch build inputs
#   make fresh-check         README's two commands on a fresh minimal Debian 12 root
#   make clean
#
# QEMU knobs: QEMU_MEM, QEMU_SMP (4), GIC (2|3), QEMU_EXTRA, BOOTARGS.

.DEFAULT_GOAL := all
PLATFORM ?= virt
PLATFORMS := virt rpi4
ifeq ($(filter $(PLATFORM),$(PLATFORMS)),)
$(error PLATFORM must be one of: $(PLATFORMS))
endif

# GNU Arm's bare-metal toolchain when present, else Debian's cross compiler.
ifeq ($(origin CROSS_COMPILE),undefined)
CROSS_COMPILE := $(if $(shell command -v aarch64-none-elf-gcc 2>/dev/null),aarch64-none-elf-,aarch64-linux-gnu-)
endif
CC      := $(CROSS_COMPILE)gcc
LD      := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
PYTHON  ?= /usr/bin/python3

# Every folder solutions/<name>/ with an init.yaml[.in] is a solution (docs/INIT.md).
# The default solution's image builds into build/<platform>; any other into
# build/<platform>-<solution> (BUILD), so several images exist side by side. What
# does not depend on the solution (the kernel's objects, libkos, lwIP, libvfs,
# VfsFsnet, the test and bench programs) is built once per platform in SHARED and
# linked into every image from there.
SOLUTIONS_ALL := $(sort $(patsubst solutions/%/,%,$(dir $(wildcard solutions/*/init.yaml solutions/*/init.yaml.in))))
DEFAULT_SOLUTION := vfs
SOLUTION ?= $(DEFAULT_SOLUTION)
# `make KDEBUG=1`: a debug kernel, its DEBUG_ASSERTs evaluated and "debug" in its
# banner (docs/ARCHITECTURE.md, "Assertions"), built beside the release one
# (build/<platform>-<solution>-kdebug, objects in SHARED/obj-kdebug); same programs.
KDEBUG_SUFFIX := $(if $(filter 1,$(KDEBUG)),-kdebug)
# `make POLICY_COUNTERS=1`: the policy counts each rule's grants and denials and the
# kernel dumps them at power-off (docs/POLICY.md "Coverage"); only policy.c differs,
# built beside the usual image (build/<platform>-<solution>-cov).
COV_SUFFIX := $(if $(filter 1,$(POLICY_COUNTERS)),-cov)
image_dir = build/$(1)$(if $(filter $(DEFAULT_SOLUTION),$(2)),,-$(2))$(KDEBUG_SUFFIX)$(COV_SUFFIX)
BUILD   := $(call image_dir,$(PLATFORM),$(SOLUTION))
VIRT_BUILD := $(call image_dir,virt,$(SOLUTION))
RPI4_BUILD := $(call image_dir,rpi4,$(SOLUTION))
SHARED  := build/shared/$(PLATFORM)
# The console tests boot test programs by name (init=<program>) in the image of
# this solution: it has no policy, so the kernel may start any program, and its
# image carries every program of SHARED. (The default solution's policy rightly
# refuses programs it does not know; the other images carry only their own.)
TEST_SOLUTION := echo
# Kernel objects: shared by every image of the platform, except the two that
# carry the solution (its policy tables and its boot image), built in IOBJ.
# Anything solution-specific the kernel needs must come through those two.
OBJ     := $(SHARED)/obj$(KDEBUG_SUFFIX)
IOBJ    := $(BUILD)/obj

# Physical load address: RAM base + the Image header's text_offset (0x80000).
KERNEL_PHYS_virt := 0x40080000
KERNEL_PHYS_rpi4 := 0x80000
KERNEL_PHYS := $(KERNEL_PHYS_$(PLATFORM))

KGEN     := $(SHARED)/gen/kernel
ASM_OFFSETS := $(SHARED)/gen/asm-offsets.h
POLICY_C := $(BUILD)/gen/policy.c
INCLUDES := -Ikernel/include -Ikernel -Iarch/aarch64/include -Idrivers/include
KCFLAGS  := -std=c11 -O2 -g -ffreestanding -fno-builtin -nostdlib -fno-stack-protector \
            -fno-pie -fno-pic -mgeneral-regs-only -mcpu=cortex-a72 -fno-omit-frame-pointer \
            -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -MMD -MP $(INCLUDES) \
            -I$(KGEN) -Ikernel/nkshim -DKERNEL_BUILD='"$(PLATFORM)$(if $(KDEBUG_SUFFIX), debug)"' \
            $(if $(KDEBUG_SUFFIX),-DKDEBUG)
KASFLAGS := -D__ASSEMBLER__ -MMD -MP $(INCLUDES) -I$(SHARED)/gen -mcpu=cortex-a72 -g
KLDFLAGS := -nostdlib -static -no-pie -z max-page-size=4096 --no-warn-rwx-segments

# Kernel endpoints: C generated from the kl.core IDL by tools/nk (kernel/kcall.c).
KGEN_STAMP := $(KGEN)/kl/core/Core.edl.h
KCORE_IDL  := $(wildcard tools/sysroot/kl/core/*.idl tools/sysroot/kl/core/*.edl)
NK_SRCS    := $(wildcard tools/nk/*.py tools/nk/templates/*) kernel/security/sec_layout.h
$(KGEN_STAMP): $(KCORE_IDL) $(NK_SRCS)
	$(call say,NK,kl.core.Core)
	$(Q)$(PYTHON) -m tools.nk --out $(KGEN) kl.core.Core && touch $@

KERNEL_SRCS := $(filter-out arch/aarch64/asm-offsets.c, \
                 $(wildcard arch/aarch64/*.S arch/aarch64/*.c arch/aarch64/lib/*.S)) \
               arch/aarch64/board/$(PLATFORM).c \
               $(wildcard drivers/*.c) $(wildcard kernel/*.c kernel/*.S kernel/lib/*.c)
KERNEL_SRCS += $(wildcard kernel/security/*.c) $(POLICY_C)
KERNEL_SHARED_OBJS := $(patsubst %,$(OBJ)/%.o,$(filter-out kernel/bootimage.S $(POLICY_C),$(KERNEL_SRCS)))
# In the order of KERNEL_SRCS, so that every image's kernel is laid out alike.
KERNEL_OBJS := $(patsubst $(OBJ)/kernel/bootimage.S.o,$(IOBJ)/bootimage.S.o,\
                 $(patsubst %,$(OBJ)/%.o,$(filter-out $(POLICY_C),$(KERNEL_SRCS)))) $(IOBJ)/policy.c.o

# The solution (solutions/<name>: init.yaml, idl/, one folder of C sources per
# program) and its Einit, generated from init.yaml. Its programs, its Einit, its
# generated headers and (with its own romfs) its VfsFsnet are built in BUILD.
SOL_DIR  := solutions/$(SOLUTION)
ifeq ($(wildcard $(SOL_DIR)/init.yaml $(SOL_DIR)/init.yaml.in),)
$(error SOLUTION=$(SOLUTION): no $(SOL_DIR)/init.yaml; solutions: $(SOLUTIONS_ALL))
endif
SOL_INIT := $(firstword $(wildcard $(SOL_DIR)/init.yaml $(SOL_DIR)/init.yaml.in))
SOL_OUT  := $(BUILD)/solution
SOL_GEN  := $(SOL_OUT)/gen
SOL_PROGRAMS := $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard $(SOL_DIR)/*/*.c)))))
SOL_CLASSES = $(shell $(PYTHON) -m tools.einit $(EINIT_FLAGS) --list-classes $(SOL_INIT))
SOL_NK_STAMP := $(SOL_GEN)/.stamp
# Template variables of init.yaml and security.psl (@NAME@, {% if %}; docs/INIT.md,
# "Templates and variables"): PLATFORM, the solution's solution.vars file (NAME=VALUE
# lines) and `make ... VARS="A=1 B=x"` (wins). SOL_VARS_STAMP changes when they do.
SOL_VARS_FILE  := $(wildcard $(SOL_DIR)/solution.vars)
TEMPLATE_FLAGS := -D PLATFORM=$(PLATFORM) $(addprefix --vars ,$(SOL_VARS_FILE)) $(addprefix -D ,$(VARS))
SOL_VARS_STAMP := $(SOL_OUT)/vars.stamp
EINIT_FLAGS := -I userland/include -I $(SOL_DIR) $(TEMPLATE_FLAGS)
# The programs init.yaml starts (a broken init.yaml is reported by the Einit rule).
SOL_STARTS := $(shell $(PYTHON) -m tools.einit $(EINIT_FLAGS) --list-programs $(SOL_INIT) 2>/dev/null)

# User programs (userland/userland.mk); each image's own programs (image_program)
# are built in IUSER_OUT.
BENCH_PROGRAMS := bench bench_client bench_server bench_nop bench_smp
USER_PROGRAMS += $(BENCH_PROGRAMS)
$(foreach p,$(BENCH_PROGRAMS),$(eval USER_SRCS_$(p) := userland/bench/$(p).c))
include userland/userland.mk
include userland/net/net.mk
include userland/vfs/vfs.mk
$(eval $(call vfs_program,bench_vfs,userland/bench/bench_vfs.c))
# Solution programs use the C library's files (and sockets) through libvfs.
$(foreach p,$(SOL_PROGRAMS),$(eval $(call image_program,$(p),\
    $(patsubst %.c,$(IUSER_OBJ)/%.o,$(wildcard $(SOL_DIR)/$(p)/*.c)),$(VFS_CLIENT_LIBS))))
$(eval $(call image_program,Einit,$(IUSER_OBJ)/userland/einit/einit.o $(IUSER_OBJ)/einit_table.o))
# A KasperskyOS-form program (transport-kos.h first) also gets the KasperskyOS
# form of kl.core (<gen>/kos before <gen>); any other falls through.
$(IUSER_OBJ)/%.o: USER_CPPFLAGS := $(patsubst -I$(USER_GEN),-I$(USER_GEN)/kos -I$(USER_GEN),$(USER_CPPFLAGS)) \
                                   -I$(SOL_GEN)/kos -I$(SOL_GEN) -Iuserland/einit
$(patsubst %.c,$(IUSER_OBJ)/%.o,$(wildcard $(SOL_DIR)/*/*.c)): | $(SOL_NK_STAMP) $(VFS_NK_STAMP)
$(IUSER_OBJ)/einit_table.o: $(SOL_OUT)/einit_table.c | $(USER_NK_STAMP)
	$(call user_cc,$<,$@)

$(SOL_OUT)/solution.name: user-force
	@mkdir -p $(dir $@)
	@echo '$(SOLUTION)' | cmp -s - $@ || echo '$(SOLUTION)' > $@
$(SOL_VARS_STAMP): user-force $(SOL_VARS_FILE)
	@mkdir -p $(dir $@)
	@{ echo '$(TEMPLATE_FLAGS)'; cat $(SOL_VARS_FILE) /dev/null; } > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@
$(SOL_NK_STAMP): $(SOL_INIT) $(wildcard $(SOL_DIR)/idl/*/* $(SOL_DIR)/idl/*) $(NK_SRCS) \
                 $(SOL_OUT)/solution.name $(SOL_VARS_STAMP)
	$(call say,NK,$(SOLUTION))
	$(Q)rm -rf $(SOL_GEN) && $(PYTHON) -m tools.nk -I $(SOL_DIR)/idl --out $(SOL_GEN) \
	    $(filter-out Einit kl.% $(VFS_CLASSES),$(SOL_CLASSES)) && touch $@
$(SOL_OUT)/einit_table.c: $(SOL_INIT) $(wildcard tools/einit/*.py) tools/template.py $(SOL_OUT)/solution.name \
                          $(SOL_VARS_STAMP) \
                          $(IUSER_OUT)/programs.list
	$(call say,EINIT,$<)
	$(Q)$(PYTHON) -m tools.einit $(EINIT_FLAGS) --programs $(subst $(eval) ,$(comma),$(IMAGE_PROGRAMS)) -o $@ $<
comma := ,

# ---- the boot image -----------------------------------------------------------
# Einit, the solution's programs and the programs init.yaml starts; the test
# solution's image also every shared program (the console tests start them by
# name). A program of the solution's folder wins over a shared one of that name.
IMAGE_OWN      := $(sort $(IMAGE_OWN_PROGRAMS))
IMAGE_SHARED   := $(filter-out $(IMAGE_OWN),$(filter $(USER_PROGRAMS),\
                    $(SOL_STARTS) $(if $(filter $(TEST_SOLUTION),$(SOLUTION)),$(USER_PROGRAMS))))
IMAGE_PROGRAMS := $(sort $(IMAGE_OWN) $(IMAGE_SHARED))
image_path      = $(if $(filter $(1),$(IMAGE_OWN)),$(IUSER_OUT),$(USER_OUT))/boot/$(1)
BOOTIMAGE      := $(BUILD)/bootimage.bin

# The program list is recorded so that removing a program rebuilds the image.
$(IUSER_OUT)/programs.list: user-force
	@mkdir -p $(dir $@)
	@echo '$(IMAGE_PROGRAMS) $(USER_BOOT_FILES)' | cmp -s - $@ || \
	    echo '$(IMAGE_PROGRAMS) $(USER_BOOT_FILES)' > $@

$(BOOTIMAGE): $(IUSER_OUT)/programs.list tools/mkbootimg.py $(foreach p,$(IMAGE_PROGRAMS),$(call image_path,$(p)))
	$(call say,BOOTIMG,$@)
	$(Q)$(PYTHON) tools/mkbootimg.py -o $@ \
	    $(foreach p,$(IMAGE_PROGRAMS),$(p)=$(call image_path,$(p))) $(USER_BOOT_FILES)
userland: $(foreach p,$(USER_PROGRAMS),$(USER_OUT)/boot/$(p))

# The solution's security policy (security.psl[.in]) compiled into the kernel;
# without one, explicit grant-everything tables (logged at boot). The policy is
# linted on the way (-Werror: a lint warning fails the build; docs/POLICY.md).
SOL_PSL  := $(firstword $(wildcard $(SOL_DIR)/security.psl $(SOL_DIR)/security.psl.in))
# The lint's execute check reads init.yaml (plain or .in, expanded with the same
# variables as tools/einit does).
SOL_LINT_INIT := $(SOL_INIT)
PSL_FLAGS = -I $(SOL_DIR)/idl -I $(SOL_DIR) -I $(VFS_IDL_DIR) $(TEMPLATE_FLAGS)
PSL_LINT = $(if $(SOL_PSL),--lint -Werror $(if $(SOL_LINT_INIT),--init $(SOL_LINT_INIT)))
PSL_SRCS := $(wildcard tools/psl/*.py) tools/template.py
$(POLICY_C): $(SOL_PSL) $(PSL_SRCS) $(NK_SRCS) $(KCORE_IDL) $(wildcard $(SOL_DIR)/idl/*/* $(SOL_DIR)/*.psl) \
             $(SOL_INIT) $(SOL_OUT)/solution.name $(SOL_VARS_STAMP)
	@mkdir -p $(dir $@)
	$(call say,PSL,$(or $(SOL_PSL),nonsecurity))
	$(Q)$(PYTHON) -m tools.psl $(PSL_FLAGS) $(PSL_LINT) -o $@ $(if $(COV_SUFFIX),--counters) $(or $(SOL_PSL),--nonsecurity)

# The solution's PAL policy tests, on the host engine (tools/psl/pal_run.py).
policy-test:
	$(if $(SOL_PSL),$(PYTHON) -m tools.psl --test $(PSL_FLAGS) $(SOL_PSL),@echo "$(SOLUTION): no security.psl, no policy tests")
# PAL counts merged with a boot of the solution (virt) built with POLICY_COUNTERS=1,
# whose kernel dumps its counters at power-off (CONSOLE_LOG=<file>: use that log,
# e.g. of a console test, instead of booting).
COV_LOG = $(or $(CONSOLE_LOG),$(call image_dir,virt,$(SOLUTION))-cov/console.log)
policy-coverage:
ifeq ($(SOL_PSL),)
	@echo "$(SOLUTION): no security.psl, no policy tests"
else
ifeq ($(CONSOLE_LOG),)
	+@$(MAKE) --no-print-directory PLATFORM=virt SOLUTION=$(SOLUTION) POLICY_COUNTERS=1 kernel
	$(PYTHON) -m tools.psl.boot --out $(COV_LOG) $(call image_dir,virt,$(SOLUTION))-cov/kernel.img
endif
	$(PYTHON) -m tools.psl --coverage --console $(COV_LOG) $(PSL_FLAGS) $(SOL_PSL)
endif
# The kernel's memcpy/memmove: the same source as libkos's, with the bulk copy
# through v0..v3 (arch/aarch64/lib/mem.S says why the kernel may use them).
$(OBJ)/arch/aarch64/lib/mem.S.o: KASFLAGS += -DMEM_SIMD_BULK
$(OBJ)/arch/aarch64/lib/mem.S.o: Makefile
$(IOBJ)/bootimage.S.o: KASFLAGS += -DBOOTIMAGE_PATH='"$(BOOTIMAGE)"'
$(IOBJ)/bootimage.S.o: kernel/bootimage.S $(BOOTIMAGE)
	@mkdir -p $(dir $@)
	$(call say,AS,$<)
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@
$(IOBJ)/policy.c.o: $(POLICY_C) | $(KGEN_STAMP)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

ifeq ($(PLATFORM),rpi4)
IMAGES := $(BUILD)/kernel8.img $(BUILD)/config.txt
else
IMAGES := $(BUILD)/kernel.img
endif

.PHONY: all kernel run debug test bench policy-test policy-coverage test-host test-console deps deps-check fresh-check sdcard clean format lint
all: kernel
kernel: $(BUILD)/kernel.elf $(IMAGES)

# Quiet by default; `make V=1` shows full commands.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-8s %s\n' $(1) $(2)
endif

$(OBJ)/%.c.o: %.c | $(KGEN_STAMP)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(OBJ)/%.S.o: %.S | $(ASM_OFFSETS)
	@mkdir -p $(dir $@)
	$(call say,AS,$<)
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# Structure offsets for the assembly (<asm-offsets.h>), generated from the C
# structs: arch/aarch64/asm-offsets.c compiled to assembly, each marker line
# "->NAME value comment" turned into a #define. A marker the sed cannot read
# (say, a NAME that is itself a macro) fails the build instead of vanishing.
$(SHARED)/gen/asm-offsets.s: arch/aarch64/asm-offsets.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(KCFLAGS) -S $< -o $@
$(ASM_OFFSETS): $(SHARED)/gen/asm-offsets.s
	$(call say,GEN,$@)
	$(Q){ echo '/* Generated from arch/aarch64/asm-offsets.c by the Makefile: do not edit. */'; \
	  echo '#ifndef ASM_OFFSETS_H'; echo '#define ASM_OFFSETS_H'; \
	  sed -n 's/^[[:space:]]*\.ascii[[:space:]]*"->\([A-Z][A-Z0-9_]*\) [#$$]*\([0-9][0-9]*\) \(.*\)"$$/#define \1 \2 \/* \3 *\//p' $<; \
	  echo '#endif'; } > $@.tmp
	$(Q)test "$$(grep -c '"->' $<)" = "$$(grep -c '^#define [A-Z0-9_]* [0-9]' $@.tmp)" || \
	  { echo "$<: error: a marker line of arch/aarch64/asm-offsets.c was not understood" >&2; \
	    rm -f $@.tmp; exit 1; }
	$(Q)mv $@.tmp $@

$(BUILD)/kernel.ld: ld/kernel.ld.S Makefile
	@mkdir -p $(dir $@)
	$(call say,LDS,$@)
	$(Q)$(CC) -E -P -x c -D__ASSEMBLER__ -DKERNEL_PHYS=$(KERNEL_PHYS) $(INCLUDES) \
	    -MMD -MP -MT $@ -MF $@.d $< -o $@

$(BUILD)/kernel.elf: $(KERNEL_OBJS) $(BUILD)/kernel.ld
	$(call say,LD,$@)
	$(Q)$(LD) $(KLDFLAGS) -T $(BUILD)/kernel.ld -Map $(BUILD)/kernel.map -o $@ $(KERNEL_OBJS)

$(BUILD)/kernel.img: $(BUILD)/kernel.elf
	$(call say,IMAGE,$@)
	$(Q)$(OBJCOPY) -O binary $< $@

$(BUILD)/kernel8.img: $(BUILD)/kernel.img
	cp $< $@

$(BUILD)/config.txt: arch/aarch64/board/rpi4-config.txt
	cp $< $@

-include $(KERNEL_OBJS:.o=.d) $(BUILD)/kernel.ld.d $(SHARED)/gen/asm-offsets.d

# ---------------------------------------------------------------- QEMU
QEMU      ?= qemu-system-aarch64
QEMU_MEM  ?= 512M
QEMU_SMP  ?= 4
# Every core in one host thread, as the console tests boot (tests/boards.py):
# with one big kernel lock, multi-threaded TCG on a host with fewer cores than
# QEMU_SMP stalls whenever the host deschedules the lock holder's vCPU.
QEMU_ACCEL ?= tcg,thread=single
GIC       ?= 2
QEMU_EXTRA ?=
BOOTARGS  ?=
RUN_BOOTARGS := exit=semihosting panic=poweroff $(BOOTARGS)
# Network solutions (net_*) get a virtio-net device on QEMU's user network, with
# 127.0.0.1:NET_PORT on the host forwarded to the guest's port 7 (TCP and UDP).
NET_PORT  ?= 5555
ifneq ($(filter net_%,$(SOLUTION)),)
RUN_NIC := -netdev user,id=n0,hostfwd=tcp:127.0.0.1:$(NET_PORT)-:7,hostfwd=udp:127.0.0.1:$(NET_PORT)-:7 \
           -device virtio-net-device,netdev=n0 -global virtio-mmio.force-legacy=false
RUN_NOTE := @echo "Network: host 127.0.0.1:$(NET_PORT) -> guest port 7 (TCP and UDP), e.g. nc 127.0.0.1 $(NET_PORT)"
else
RUN_NIC := -nic none
RUN_NOTE := @true
endif
# An entropy source for getentropy (kernel/entropy.c), on the lowest virtio-mmio
# transport so that a NIC keeps the top one whatever the order of the devices.
RUN_RNG := -device virtio-rng-device,bus=virtio-mmio-bus.0
QEMU_ARGS := -M virt,gic-version=$(GIC) -cpu cortex-a72 -m $(QEMU_MEM) -smp $(QEMU_SMP) -accel $(QEMU_ACCEL) \
             -nographic $(RUN_NIC) $(RUN_RNG) -semihosting-config enable=on,target=native \
             -kernel $(VIRT_BUILD)/kernel.img -append "$(RUN_BOOTARGS)" $(QEMU_EXTRA)

run: deps-check
	@$(MAKE) --no-print-directory PLATFORM=virt kernel
	@echo "Booting in QEMU virt (quit: Ctrl-A X)"
	$(RUN_NOTE)
	$(QEMU) $(QEMU_ARGS)

debug: deps-check
	@$(MAKE) --no-print-directory PLATFORM=virt kernel
	@echo "QEMU is halted with a gdb server on :1234. Attach with:"
	@echo "  gdb-multiarch $(VIRT_BUILD)/kernel.elf -ex 'target remote :1234'"
	$(QEMU) $(QEMU_ARGS) -S -s

# ---------------------------------------------------------------- images
# `make images` builds the image of every solution in SOLUTIONS (default: all of
# solutions/*/) for PLATFORM: first everything shared, once, then one sub-make per
# solution that only compiles and links what is the solution's own (they run in
# parallel under -j; none of them writes in SHARED, which `shared` completed).
SOLUTIONS ?= $(SOLUTIONS_ALL)
# The generated headers come first, in a make of their own: a make reads a
# header's time once, so objects built in the same make as the generator were
# judged by the old times, and each parallel sub-make then recompiled them and
# re-archived libkos.a under the others' links.
.PHONY: images shared generated shared-objects
images: $(addprefix image-,$(SOLUTIONS))
image-%: shared
	+@$(MAKE) --no-print-directory SOLUTION=$* kernel
shared:
	+@$(MAKE) --no-print-directory generated
	+@$(MAKE) --no-print-directory shared-objects
generated: $(KGEN_STAMP) $(USER_NK_STAMP) $(VFS_NK_STAMP)
shared-objects: $(KGEN_STAMP) $(KERNEL_SHARED_OBJS) userland

# `make size`: this image's kernel (.text + .rodata + .data) and every image of
# PLATFORM built so far (docs/PERFORMANCE.md, "Image sizes").
.PHONY: size
size: kernel
	@$(PYTHON) tools/imgsize.py $(BUILD)/kernel.elf $(sort $(wildcard build/$(PLATFORM) build/$(PLATFORM)-*))

# ---------------------------------------------------------------- tests
# Every solution's image on virt and on rpi4 (a solution's test picks its boards;
# linking a solution from the shared objects takes a second or two).
# The build runs with -j<cores> unless make was given -j; the console tests run
# in parallel too when pytest-xdist is installed (PYTEST_JOBS workers).
TEST_SOLUTIONS_virt := $(SOLUTIONS_ALL)
TEST_SOLUTIONS_rpi4 := $(SOLUTIONS_ALL)
NPROC       := $(shell nproc 2>/dev/null || echo 1)
# Test workers only help on idle cores, and the guests' clocks follow the host's:
# on a host already busy (load average at or above the cores) a few timing checks
# (test_sync, test_sleep) can miss their bounds with two QEMUs at once. So the
# default is one worker per core on an idle host, else 1; PYTEST_JOBS=N forces it.
PYTEST_JOBS ?= $(shell awk -v n=$(NPROC) '{ print ($$1 < n) ? n : 1 }' /proc/loadavg 2>/dev/null || echo 1)
PYTEST_ARGS ?= --board all
PYTEST_XDIST = $(if $(filter-out 0 1,$(PYTEST_JOBS)),$(shell $(PYTHON) -c 'import xdist' 2>/dev/null && printf -- '-n %s' $(PYTEST_JOBS)))
# -j<cores> for the sub-makes of a make that was given no -j (in a recipe: MAKEFLAGS).
SUBMAKE_JOBS = $$(case " $$MAKEFLAGS" in *" -j"*) ;; *) echo -j$(NPROC) ;; esac)
test: deps-check
	+@$(MAKE) --no-print-directory $(SUBMAKE_JOBS) PLATFORM=virt SOLUTIONS="$(TEST_SOLUTIONS_virt)" images
	+@$(MAKE) --no-print-directory $(SUBMAKE_JOBS) PLATFORM=virt SOLUTION=$(TEST_SOLUTION) KDEBUG=1 kernel
	+@$(MAKE) --no-print-directory $(SUBMAKE_JOBS) PLATFORM=virt SOLUTION=regex_paths POLICY_COUNTERS=1 kernel
	+@$(MAKE) --no-print-directory $(SUBMAKE_JOBS) PLATFORM=rpi4 SOLUTIONS="$(TEST_SOLUTIONS_rpi4)" images
	+@$(MAKE) --no-print-directory PLATFORM=rpi4 sdcard-if-possible
	$(PYTHON) -m pytest tests $(PYTEST_XDIST) $(PYTEST_ARGS)
	@echo "Smoke set on one core (QEMU_SMP=1):"
	QEMU_SMP=1 $(PYTHON) -m pytest tests/test_boot.py tests/test_tasks.py tests/test_ipc.py \
	    $(PYTEST_XDIST) --board virt -q

# ---------------------------------------------------------------- benchmarks
# The test image, booted with init=bench under -icount shift=0 (IPC without a
# policy, process start, VFS); the ipc_bench solution's image (the IPC figures
# under a real policy); then (NET=1) the net_bench solution's image, driven over
# a hostfwd port (tools/netbench.py; about 5 s; NET=0 leaves it out).
NET ?= 1
bench: deps-check
	@$(MAKE) --no-print-directory PLATFORM=virt SOLUTION=$(TEST_SOLUTION) kernel
	@$(MAKE) --no-print-directory PLATFORM=virt SOLUTION=ipc_bench kernel
	$(if $(filter 1,$(NET)),@$(MAKE) --no-print-directory PLATFORM=virt SOLUTION=net_bench kernel)
	$(PYTHON) tools/bench.py --kernel build/virt-$(TEST_SOLUTION)/kernel.img --bootargs init=bench \
	    --policy-kernel build/virt-ipc_bench/kernel.img \
	    $(if $(filter 1,$(NET)),--net-kernel build/virt-net_bench/kernel.img)

# `make bench-smp`: wall-clock IPC across cores (userland/bench/bench_smp.c)
# under multi-threaded TCG, BENCH_SMP_CORES cores, BENCH_RUNS boots (5). The default is
# 4 cores, or as many as the host has if fewer: more vCPUs than host cores stall the
# fair lock whenever the host deschedules the vCPU whose turn is next
# (docs/PERFORMANCE.md "The SMP kernel"), and the 4-pair figure would not finish.
BENCH_SMP_CORES ?= $(shell n=$$(nproc 2>/dev/null || echo 4); [ $$n -lt 4 ] && echo $$n || echo 4)
BENCH_RUNS ?= 5
.PHONY: bench-smp
bench-smp: deps-check
	@$(MAKE) --no-print-directory PLATFORM=virt SOLUTION=$(TEST_SOLUTION) kernel
	$(PYTHON) tools/bench_smp.py --kernel build/virt-$(TEST_SOLUTION)/kernel.img \
	    --smp $(BENCH_SMP_CORES) --runs $(BENCH_RUNS)

# ---------------------------------------------------------------- fuzzing
# The kernel fuzzer (tests/guest/kernel/fuzz, docs/TESTING.md "Fuzzing") as the first
# task of the test image: `make fuzz FUZZ_CALLS=N FUZZ_SEED=S`; FUZZ_ROUND=R replays
# one round, FUZZ_TRACE=1 prints every call. A panic, a hang (FUZZ_TIMEOUT s) or a
# leak fails. KDEBUG=1: on the debug kernel (its DEBUG_ASSERTs evaluated).
FUZZ_CALLS ?= 200000
FUZZ_SEED  ?= 1
FUZZ_ROUND ?=
FUZZ_TRACE ?= 0
FUZZ_TIMEOUT ?= $(shell echo $$(( 300 + $(FUZZ_CALLS) / 100 )))
FUZZ_ARGS := calls=$(FUZZ_CALLS) seed=$(FUZZ_SEED) trace=$(FUZZ_TRACE) \
             $(if $(FUZZ_ROUND),round=$(FUZZ_ROUND))
.PHONY: fuzz
fuzz: deps-check
	@$(MAKE) --no-print-directory PLATFORM=virt SOLUTION=$(TEST_SOLUTION) kernel
	timeout --foreground -k 5 $(FUZZ_TIMEOUT) $(QEMU) -M virt,gic-version=$(GIC) -cpu cortex-a72 \
	    -m $(QEMU_MEM) -smp $(QEMU_SMP) -accel $(QEMU_ACCEL) -nographic -nic none \
	    -semihosting-config enable=on,target=native -kernel $(call image_dir,virt,$(TEST_SOLUTION))/kernel.img \
	    -append "exit=semihosting panic=poweroff init=fuzz -- $(FUZZ_ARGS)" </dev/null; \
	    st=$$?; if [ $$st = 124 ]; then echo "fuzz: FAIL hang: no end after $(FUZZ_TIMEOUT) s" \
	    "(seed $(FUZZ_SEED)); replay a round with FUZZ_ROUND=R FUZZ_TRACE=1"; fi; exit $$st

# ---------------------------------------------------------------- host fuzzing
# libFuzzer + ASan/UBSan over the parsers of untrusted bytes (FDT, ELF, security
# engine, VFS paths and requests), FUZZ_HOST_SECONDS per target; FUZZ_HOST_TARGETS
# picks some (fdt elf sec vfs_path romfs vfs_request). docs/TESTING.md, "Host fuzzing".
FUZZ_HOST_SECONDS ?= 60
FUZZ_HOST_TARGETS ?=
.PHONY: fuzz-host
fuzz-host: deps-check
	$(PYTHON) tests/host/fuzz/fuzz_host.py --seconds $(FUZZ_HOST_SECONDS) $(FUZZ_HOST_TARGETS)

# ---------------------------------------------------------------- dependencies
deps:
	tools/deps/host-deps.sh
	tools/deps/fetch-all.sh build/deps

deps-check:
	@tools/deps/host-deps.sh --check || $(MAKE) --no-print-directory deps

# The newcomer check (not part of test or CI): a fresh minimal Debian 12 root,
# this commit cloned into it, `make run` and `make test` run there as root.
fresh-check:
	tools/fresh-check.sh

# ---------------------------------------------------------------- Pi 4 SD card
RPI4_FW := build/deps/rpi4-firmware
sdcard:
	@$(MAKE) --no-print-directory PLATFORM=rpi4 kernel
	@test -f $(RPI4_FW)/start4.elf || tools/deps/fetch-rpi4-firmware.sh $(RPI4_FW)
	tools/mksdcard.sh $(RPI4_BUILD)/sdcard.img $(RPI4_FW)/start4.elf $(RPI4_FW)/fixup4.dat \
	    $(RPI4_FW)/bcm2711-rpi-4-b.dtb $(RPI4_BUILD)/config.txt $(RPI4_BUILD)/kernel8.img

# In `make test`: build the SD image when the firmware could be fetched (offline: the image tests skip).
sdcard-if-possible:
	@if test -f $(RPI4_FW)/start4.elf || tools/deps/fetch-rpi4-firmware.sh $(RPI4_FW); then \
	    $(MAKE) --no-print-directory sdcard; \
	else echo "note: Pi 4 firmware unavailable, SD image not built"; fi

# ---------------------------------------------------------------- hygiene
C_SOURCES = $(shell git ls-files '*.c' '*.h')
format:
	clang-format -i $(C_SOURCES)

lint: $(KGEN_STAMP)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --std=c11 \
	    --suppress=missingIncludeSystem -U__ASSEMBLER__ -D__aarch64__ $(INCLUDES) -I$(KGEN) kernel arch drivers

clean:
	rm -rf $(foreach p,$(PLATFORMS),build/$(p) build/$(p)-*) build/shared build/test-logs build/host build/fuzz
