# userland/userland.mk: libkos, the user programs and the boot image that
# carries them (docs/USERLAND.md). Included by the top Makefile, which gives
# CC, OBJCOPY, PYTHON, BUILD (build/$(PLATFORM)) and the Q/say helpers.
#
# Interface:
#   BOOTIMAGE            $(BUILD)/bootimage.bin (tools/mkbootimg.py)
#   USER_LIB             $(BUILD)/user/libkos.a
#   USER_PROGRAMS        program names; each becomes $(BUILD)/user/bin/<name>
#                        and a boot-image entry <name>. Before this fragment is
#                        included: USER_PROGRAMS += NAME, USER_SRCS_NAME := files,
#                        USER_LIBS_NAME := archives linked before libkos.
#   user_program         after it: $(eval $(call user_program,NAME,SOURCES[,LIBS]))
#   USER_BOOT_FILES      extra boot-image entries, NAME=PATH words (data files)
#   USER_CFLAGS, USER_CPPFLAGS, USER_LDFLAGS   flags for user code
#   make userland        builds all of it
# Every userland/tests/<name>.c and userland/tests/<name>/ (all its .c files)
# is a program already.

USER_OUT     := $(BUILD)/user
USER_OBJ     := $(USER_OUT)/obj
USER_GEN     := $(BUILD)/gen/user
USER_LIB     := $(USER_OUT)/libkos.a
USER_CRT0    := $(USER_OUT)/crt0.o
USER_LDS     := ld/user.ld
BOOTIMAGE    := $(BUILD)/bootimage.bin
PICOLIBC_DIR ?= /usr/lib/picolibc/aarch64-linux-gnu
USER_LIBC    := $(PICOLIBC_DIR)/lib/libc.a
USER_LIBGCC  := $(shell $(CC) -print-libgcc-file-name)
USER_BOOT_FILES ?=

# picolibc only: no host (glibc) header may leak in.
USER_CPPFLAGS := -nostdinc -isystem $(PICOLIBC_DIR)/include \
                 -isystem $(shell $(CC) -print-file-name=include) \
                 -Iuserland/include -Ikernel -I$(USER_GEN) -D_DEFAULT_SOURCE
USER_CFLAGS  := -std=c11 -O2 -g -Wall -Wextra -Werror -mcpu=cortex-a72 \
                -fno-pie -fno-pic -ftls-model=local-exec -fno-stack-protector \
                -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
                -fno-omit-frame-pointer -MMD -MP
USER_LDFLAGS := -nostdlib -nostartfiles -static -no-pie -T $(USER_LDS) -Wl,--gc-sections \
                -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -Wl,-z,norelro \
                -Wl,--build-id=none

# ---- kernel-endpoint proxies (tools/nk over tools/sysroot/kl/core) ----------
USER_NK_STAMP := $(USER_GEN)/kl/core/Core.edl.h
USER_NK_DEPS  := $(wildcard tools/sysroot/kl/core/*.idl tools/sysroot/kl/core/*.edl \
                   tools/nk/*.py tools/nk/templates/*)
$(USER_NK_STAMP): $(USER_NK_DEPS)
	$(call say,NK,kl.core.Core-user)
	$(Q)$(PYTHON) -m tools.nk --out $(USER_GEN) kl.core.Core

# ---- objects ------------------------------------------------------------------
$(USER_OBJ)/%.o: %.c | $(USER_NK_STAMP)
	@mkdir -p $(dir $@)
	$(call say,UCC,$<)
	$(Q)$(CC) $(USER_CPPFLAGS) $(USER_CFLAGS) -c $< -o $@

$(USER_OBJ)/%.o: %.S
	@mkdir -p $(dir $@)
	$(call say,UAS,$<)
	$(Q)$(CC) $(USER_CPPFLAGS) -D__ASSEMBLER__ -mcpu=cortex-a72 -g -MMD -MP -c $< -o $@

# ---- libkos.a and crt0.o -------------------------------------------------------
USER_LIB_SRCS := $(wildcard userland/lib/*.c userland/lib/libc/*.c) arch/aarch64/lib/mem.S
USER_LIB_OBJS := $(patsubst %,$(USER_OBJ)/%.o,$(basename $(USER_LIB_SRCS)))

USER_AR ?= $(CROSS_COMPILE)ar
$(USER_LIB): $(USER_LIB_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && $(USER_AR) rcs $@ $^

$(USER_CRT0): $(USER_OBJ)/userland/lib/crt0.o
	@cp $< $@

# ---- programs -----------------------------------------------------------------
# Programs declared before this fragment (USER_PROGRAMS += name, with
# USER_SRCS_<name> and optionally USER_LIBS_<name>) are registered below too.
USER_PROGRAMS_EARLY := $(USER_PROGRAMS)
USER_PROGRAMS :=

# user_program(name, sources, libs): the ELF, its stripped boot-image copy and
# its entry in the boot image.
define user_program
USER_PROGRAMS += $(1)
USER_OBJS_$(1) := $$(patsubst %.c,$(USER_OBJ)/%.o,$(2))
$(USER_OUT)/bin/$(1): $$(USER_OBJS_$(1)) $(USER_CRT0) $(USER_LIB) $(USER_LDS) $(3)
	@mkdir -p $$(dir $$@)
	$$(call say,ULD,$$@)
	$$(Q)$$(CC) $$(USER_LDFLAGS) -Wl,-Map,$$@.map -o $$@ $(USER_CRT0) $$(USER_OBJS_$(1)) \
	    -Wl,--start-group $(3) $(USER_LIB) $(USER_LIBC) $(USER_LIBGCC) -Wl,--end-group
$(USER_OUT)/boot/$(1): $(USER_OUT)/bin/$(1)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(OBJCOPY) --strip-debug $$< $$@
$(BOOTIMAGE): $(USER_OUT)/boot/$(1)
-include $$(USER_OBJS_$(1):.o=.d)
endef

USER_TEST_NAMES := $(sort $(basename $(notdir $(wildcard userland/tests/*.c))) \
                          $(notdir $(patsubst %/,%,$(wildcard userland/tests/*/))))
$(foreach p,$(USER_TEST_NAMES),$(eval $(call user_program,$(p),\
    $(wildcard userland/tests/$(p).c userland/tests/$(p)/*.c))))
$(foreach p,$(filter-out $(USER_TEST_NAMES),$(USER_PROGRAMS_EARLY)),\
    $(eval $(call user_program,$(p),$(USER_SRCS_$(p)),$(USER_LIBS_$(p)))))

# ---- boot image ---------------------------------------------------------------
# The program list is recorded so that removing a program rebuilds the image.
$(USER_OUT)/programs.list: user-force
	@mkdir -p $(dir $@)
	@echo '$(sort $(USER_PROGRAMS)) $(USER_BOOT_FILES)' | cmp -s - $@ || \
	    echo '$(sort $(USER_PROGRAMS)) $(USER_BOOT_FILES)' > $@

$(BOOTIMAGE): $(USER_OUT)/programs.list tools/mkbootimg.py
	$(call say,BOOTIMG,$@)
	$(Q)$(PYTHON) tools/mkbootimg.py -o $@ \
	    $(foreach p,$(sort $(USER_PROGRAMS)),$(p)=$(USER_OUT)/boot/$(p)) $(USER_BOOT_FILES)

.PHONY: userland user-force
userland: $(USER_LIB) $(BOOTIMAGE)
user-force:

-include $(USER_LIB_OBJS:.o=.d) $(USER_OBJ)/userland/lib/crt0.d
