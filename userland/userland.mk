# userland/userland.mk: libkos, the user programs and the rules that link them
# (docs/USERLAND.md). Included by the top Makefile, which gives CC, OBJCOPY,
# PYTHON, SHARED (build/shared/$(PLATFORM)), BUILD (this image's folder) and the
# Q/say helpers, and which packs each image's boot image from the programs.
#
# Interface:
#   USER_LIB             $(SHARED)/user/libkos.a
#   USER_PROGRAMS        the shared programs: each is built once per platform as
#                        $(SHARED)/user/bin/<name> (boot-image copy: user/boot/<name>).
#                        Before this fragment is included: USER_PROGRAMS += NAME,
#                        USER_SRCS_NAME := files, USER_LIBS_NAME := archives linked
#                        before libkos.
#   user_program         after it: $(eval $(call user_program,NAME,SOURCES[,LIBS]))
#   image_program        $(eval $(call image_program,NAME,OBJECTS[,LIBS])): a program
#                        of this image only (the solution's, Einit), linked in
#                        $(BUILD)/user (IUSER_OUT) from OBJECTS; objects under
#                        IUSER_OBJ are compiled from the source of the same path.
#                        Its name goes to IMAGE_OWN_PROGRAMS.
#   USER_BOOT_FILES      extra boot-image entries, NAME=PATH words (data files)
#   USER_CFLAGS, USER_CPPFLAGS, USER_LDFLAGS   flags for user code
#   make userland        builds libkos and every shared program
# Every tests/guest/kernel/<name>.c and tests/guest/kernel/<name>/ (all its .c
# files) is a program already (the guest test programs: docs/USERLAND.md, "Layout").

USER_OUT     := $(SHARED)/user
USER_OBJ     := $(USER_OUT)/obj
USER_GEN     := $(SHARED)/gen/user
IUSER_OUT    := $(BUILD)/user
IUSER_OBJ    := $(IUSER_OUT)/obj
USER_LIB     := $(USER_OUT)/libkos.a
USER_CRT0    := $(USER_OUT)/crt0.o
USER_LDS     := ld/user.ld
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
# --wrap: each printf/puts/fputs/fwrite holds its stream's lock for the whole
# call, so threads' lines never interleave (userland/lib/libc/stdio_atomic.c).
USER_LDFLAGS := -nostdlib -nostartfiles -static -no-pie -T $(USER_LDS) -Wl,--gc-sections \
                -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -Wl,-z,norelro \
                -Wl,--build-id=none \
                -Wl,--wrap=vfprintf,--wrap=fputs,--wrap=puts,--wrap=fwrite

# ---- kernel-endpoint proxies (tools/nk over tools/sysroot/kl/core) ----------
USER_NK_STAMP := $(USER_GEN)/kl/core/Core.edl.h
USER_NK_DEPS  := $(wildcard tools/sysroot/kl/core/*.idl tools/sysroot/kl/core/*.edl \
                   tools/nk/*.py tools/nk/templates/* kernel/security/sec_layout.h)
# tools.nk rewrites only the files whose text changed, so the stamp is touched:
# a stamp left older than its inputs made every parallel sub-make of
# `make images` regenerate it and re-archive libkos.a under the others' links.
$(USER_NK_STAMP): $(USER_NK_DEPS)
	$(call say,NK,kl.core.Core-user)
	$(Q)$(PYTHON) -m tools.nk --out $(USER_GEN) kl.core.Core && touch $@

# ---- objects ------------------------------------------------------------------
# user_cc(source, object), user_as(source, object): the compile recipes.
define user_cc
@mkdir -p $(dir $(2))
$(call say,UCC,$(1))
$(Q)$(CC) $(USER_CPPFLAGS) $(USER_CFLAGS) -c $(1) -o $(2)
endef
define user_as
@mkdir -p $(dir $(2))
$(call say,UAS,$(1))
$(Q)$(CC) $(USER_CPPFLAGS) -D__ASSEMBLER__ -mcpu=cortex-a72 -g -MMD -MP -c $(1) -o $(2)
endef
# libkos calls the kernel endpoints through their KasperskyOS-form proxies
# (userland/lib/kcall.h): its own files see <out>/kos before <out>. Only
# there: a program's generated headers have their own kos/ directory, and
# its Service Locator records (kos/nk_kos_sl.h) must be the ones it includes.
# The guest tests that build raw kl.core messages from the generated structs
# and constants (they include transport-kos.h first) see the same.
USER_KOS_OBJS := $(patsubst %.c,$(USER_OBJ)/%.o,$(wildcard userland/lib/*.c) \
                   tests/guest/kernel/test_cm.c tests/guest/kernel/test_devices.c \
                   tests/guest/kernel/fuzz/calls.c tests/guest/kernel/test_kcall_hostile.c)
$(USER_KOS_OBJS): USER_CPPFLAGS := $(patsubst -I$(USER_GEN),-I$(USER_GEN)/kos -I$(USER_GEN),$(USER_CPPFLAGS))
$(USER_OBJ)/%.o: %.c | $(USER_NK_STAMP)
	$(call user_cc,$<,$@)
$(USER_OBJ)/%.o: %.S
	$(call user_as,$<,$@)
$(IUSER_OBJ)/%.o: %.c | $(USER_NK_STAMP)
	$(call user_cc,$<,$@)
$(IUSER_OBJ)/%.o: %.S
	$(call user_as,$<,$@)

# ---- libkos.a and crt0.o -------------------------------------------------------
# kernel/security/sec_engine.c: the one message-layout checker, also the
# KasperskyOS-form dispatchers' (nk/dispatch.h)
USER_LIB_SRCS := $(wildcard userland/lib/*.c userland/lib/libc/*.c) arch/aarch64/lib/mem.S \
                 kernel/security/sec_engine.c
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

# program_rules(out, name, objects, libs): the ELF out/bin/<name> and its stripped
# boot-image copy out/boot/<name>.
define program_rules
# (userland/userland.mk itself: USER_LDFLAGS, the --wrap list, live here.)
$(1)/bin/$(2): $(3) $(USER_CRT0) $(USER_LIB) $(USER_LDS) $(4) userland/userland.mk
	@mkdir -p $$(dir $$@)
	$$(call say,ULD,$$@)
	$$(Q)$$(CC) $$(USER_LDFLAGS) -Wl,-Map,$$@.map -o $$@ $(USER_CRT0) $(3) \
	    -Wl,--start-group $(4) $(USER_LIB) $(USER_LIBC) $(USER_LIBGCC) -Wl,--end-group
$(1)/boot/$(2): $(1)/bin/$(2)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(OBJCOPY) --strip-debug $$< $$@
-include $(3:.o=.d)
endef

# user_program(name, sources, libs): a shared program.
define user_program
USER_PROGRAMS += $(1)
USER_OBJS_$(1) := $$(patsubst %.c,$(USER_OBJ)/%.o,$(2))
$$(eval $$(call program_rules,$(USER_OUT),$(1),$$(USER_OBJS_$(1)),$(3)))
endef

# image_program(name, objects, libs): a program of this image only.
define image_program
IMAGE_OWN_PROGRAMS += $(1)
$$(eval $$(call program_rules,$(IUSER_OUT),$(1),$(2),$(3)))
endef

USER_TEST_DIR   := tests/guest/kernel
USER_TEST_NAMES := $(sort $(basename $(notdir $(wildcard $(USER_TEST_DIR)/*.c))) \
                          $(notdir $(patsubst %/,%,$(wildcard $(USER_TEST_DIR)/*/))))
$(foreach p,$(USER_TEST_NAMES),$(eval $(call user_program,$(p),\
    $(wildcard $(USER_TEST_DIR)/$(p).c $(USER_TEST_DIR)/$(p)/*.c))))
$(foreach p,$(filter-out $(USER_TEST_NAMES),$(USER_PROGRAMS_EARLY)),\
    $(eval $(call user_program,$(p),$(USER_SRCS_$(p)),$(USER_LIBS_$(p)))))

# `userland` also depends on every shared program (added by the top Makefile once
# all of them are declared).
.PHONY: userland user-force
userland: $(USER_LIB) $(USER_CRT0)
user-force:

-include $(USER_LIB_OBJS:.o=.d) $(USER_OBJ)/userland/lib/crt0.d
