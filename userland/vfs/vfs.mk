# userland/vfs/vfs.mk: the VFS process VfsFsnet, the VFS client library (libvfs)
# and the generated kl.VfsFilesystem headers (docs/VFS.md, "Server and client").
# Included by the top Makefile after userland/userland.mk (uses USER_OBJ, USER_OUT,
# USER_CPPFLAGS, USER_AR, user_program, image_program, SHARED, BUILD, PYTHON, SOL_DIR,
# Q, say).
#
# Interface:
#   VFS_IDL_DIR       userland/idl/vfs: VfsFsnet.edl, kl/VfsNet.edl, kl/VfsEntity.edl,
#                     kl/Vfs.cdl, kl/VfsFilesystem.idl (pass it with -I to tools/nk,
#                     tools/einit and tools/psl in solutions that use VfsFsnet)
#   VFS_GEN           $(SHARED)/gen/vfs: the generated headers (on USER_CPPFLAGS)
#   VFS_CLIENT_LIBS   libvfs, for the LIBS argument of user_program: object files, not
#                     an archive, so its open() always wins over libkos's weak stub
#   VFS_ROMFS_DIR     the folder packed into VfsFsnet's romfs image (source "romfs"):
#                     $(SOL_DIR)/romfs when the solution has one, else
#                     userland/vfs/server/files/romfs
#   VfsFsnet          the program (boot-image entry VfsFsnet): shared, with the
#                     default romfs; a solution with another VFS_ROMFS_DIR gets its
#                     own link of the shared objects with its romfs (image_program)
#   vfs_program       $(eval $(call vfs_program,NAME,SOURCES)): a user program linked
#                     with libvfs
#   make vfs          builds all of it
#   VFS_TEST_PROGRAMS the test programs of tests/guest/vfs and tests/guest/netsock
#                     (clients and launchers)

VFS_IDL_DIR := userland/idl/vfs
VFS_OUT     := $(SHARED)/vfs
VFS_GEN     := $(SHARED)/gen/vfs
VFS_NK_STAMP := $(VFS_GEN)/VfsFsnet.edl.h
VFS_CLASSES := VfsFsnet kl.VfsNet kl.VfsEntity

USER_CPPFLAGS += -I$(VFS_GEN) -Iuserland/lib/vfs/include
# libvfs, VfsFsnet (main.c, files/, sockets/) and the guest tests that call its
# proxies are in the KasperskyOS form
# (they include coresrv/nk/transport-kos.h first): they see $(VFS_GEN)/kos
# before $(VFS_GEN).
VFS_KOS_OBJS := $(patsubst %.c,$(USER_OBJ)/%.o,$(wildcard userland/lib/vfs/*.c) \
                  userland/vfs/server/main.c userland/vfs/server/files/files.c \
                  userland/vfs/server/sockets/sock_ops.c \
                  userland/vfs/server/sockets/none/sockets_none.c \
                  tests/guest/vfs/test_vfs_two.c tests/guest/netsock/test_netsock_clients.c \
                  tests/guest/vfs/test_vfs_hostile.c tests/guest/netsock/test_netsock_hostile.c)
$(VFS_KOS_OBJS): USER_CPPFLAGS := $(patsubst -I$(VFS_GEN),-I$(VFS_GEN)/kos -I$(VFS_GEN),$(USER_CPPFLAGS))

# ---- generated headers ------------------------------------------------------------
$(VFS_NK_STAMP): $(shell find $(VFS_IDL_DIR) -name '*.?dl') $(NK_SRCS)
	$(call say,NK,VfsFsnet)
	$(Q)$(PYTHON) -m tools.nk -I $(VFS_IDL_DIR) --out $(VFS_GEN) $(VFS_CLASSES) && touch $@

# ---- the VFS core (userland/vfs/core) as an archive for the server --------------------
VFS_CORE_LIB  := $(VFS_OUT)/libvfscore.a
VFS_CORE_OBJS := $(patsubst %.c,$(USER_OBJ)/%.o,$(wildcard userland/vfs/core/*.c))
$(VFS_CORE_LIB): $(VFS_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)
	$(Q)rm -f $@ && $(USER_AR) rcs $@ $^

# ---- the romfs image, linked into VfsFsnet --------------------------------------------
# vfs_romfs(out, objdir, folder): out/romfs.img from folder and its object
# objdir/userland/vfs/server/files/romfs_image.o (romfs_image.S includes it).
define vfs_romfs
$(1)/romfs.dir: user-force
	@mkdir -p $$(dir $$@)
	@echo '$(3)' | cmp -s - $$@ || echo '$(3)' > $$@
$(1)/romfs.img: $(1)/romfs.dir tools/mkromfs.py $$(shell find $(3) 2>/dev/null)
	$$(call say,MKROMFS,$(3))
	$$(Q)$$(PYTHON) tools/mkromfs.py $(3) $$@
$(2)/userland/vfs/server/files/romfs_image.o: USER_CPPFLAGS += -DVFS_ROMFS_IMAGE='"$(1)/romfs.img"'
$(2)/userland/vfs/server/files/romfs_image.o: $(1)/romfs.img
endef
VFS_ROMFS_DEFAULT := userland/vfs/server/files/romfs
VFS_ROMFS_DIR ?= $(if $(wildcard $(SOL_DIR)/romfs),$(SOL_DIR)/romfs,$(VFS_ROMFS_DEFAULT))
VFS_ROMFS_OBJ := $(USER_OBJ)/userland/vfs/server/files/romfs_image.o
$(eval $(call vfs_romfs,$(VFS_OUT),$(USER_OBJ),$(VFS_ROMFS_DEFAULT)))

# ---- VfsFsnet --------------------------------------------------------------------------
# userland/vfs/server: the wiring, the worker pool and the client table; files/: the file
# service; sockets/: the socket service, on lwIP (userland/net/net.mk); with NET=0,
# sockets/none/ instead answers -ENETDOWN to every socket call.
VFS_SERVER_SRCS := $(wildcard userland/vfs/server/*.c userland/vfs/server/files/*.c)
ifeq ($(NET),1)
VFS_SERVER_SRCS += $(wildcard userland/vfs/server/sockets/*.c)
$(patsubst %.c,$(USER_OBJ)/%.o,$(VFS_SERVER_SRCS)): USER_CPPFLAGS += $(NET_CPPFLAGS)
$(patsubst %.c,$(USER_OBJ)/%.o,$(VFS_SERVER_SRCS)): | $(NET_LWIP_DIR)/VERSION
else
VFS_SERVER_SRCS += userland/vfs/server/sockets/none/sockets_none.c
endif
# The server's objects are built differently with NET=0 and NET=1: a flag file
# named after the value (the other one removed) makes a switch rebuild them.
VFS_NET_FLAG := $(USER_OBJ)/userland/vfs/server/net-$(NET).flag
$(VFS_NET_FLAG):
	$(Q)mkdir -p $(dir $@) && rm -f $(dir $@)net-*.flag && touch $@
$(patsubst %.c,$(USER_OBJ)/%.o,$(VFS_SERVER_SRCS)): $(VFS_NET_FLAG)
$(eval $(call user_program,VfsFsnet,$(VFS_SERVER_SRCS),$(VFS_ROMFS_OBJ) $(VFS_CORE_LIB) $(NET_LIBS)))
ifneq ($(VFS_ROMFS_DIR),$(VFS_ROMFS_DEFAULT))
$(eval $(call vfs_romfs,$(BUILD)/vfs,$(IUSER_OBJ),$(VFS_ROMFS_DIR)))
$(eval $(call image_program,VfsFsnet,$(USER_OBJS_VfsFsnet),\
    $(IUSER_OBJ)/userland/vfs/server/files/romfs_image.o $(VFS_CORE_LIB) $(NET_LIBS)))
endif

# ---- libvfs (userland/lib/vfs) ---------------------------------------------------------
VFS_CLIENT_OBJS := $(patsubst %.c,$(USER_OBJ)/%.o,$(wildcard userland/lib/vfs/*.c))
VFS_CLIENT_LIBS := $(VFS_CLIENT_OBJS)

define vfs_program
$(call user_program,$(1),$(2),$(VFS_CLIENT_LIBS))
endef

# ---- tests (tests/guest/vfs) -------------------------------------------------------------
# test_vfs_<x>.c: a VFS client linked with libvfs; test_vfs_<x>_run.c: its launcher,
# the first task of a test boot (init=test_vfs_<x>_run).
VFS_TEST_DIR      := tests/guest/vfs
VFS_TEST_SRCS     := $(wildcard $(VFS_TEST_DIR)/test_vfs_*.c)
VFS_TEST_PROGRAMS := $(sort $(basename $(notdir $(VFS_TEST_SRCS))))
VFS_TEST_CLIENTS  := $(filter-out %_run,$(VFS_TEST_PROGRAMS))
VFS_TEST_RUNNERS  := $(filter %_run,$(VFS_TEST_PROGRAMS))
$(foreach p,$(VFS_TEST_CLIENTS),$(eval $(call vfs_program,$(p),$(VFS_TEST_DIR)/$(p).c)))
$(foreach p,$(VFS_TEST_RUNNERS),$(eval $(call user_program,$(p),$(VFS_TEST_DIR)/$(p).c)))

# Socket tests (tests/guest/netsock, docs/NET.md): clients with libvfs, launchers plain.
NETSOCK_TEST_DIR      := tests/guest/netsock
NETSOCK_TEST_SRCS     := $(wildcard $(NETSOCK_TEST_DIR)/test_netsock*.c)
NETSOCK_TEST_PROGRAMS := $(sort $(basename $(notdir $(NETSOCK_TEST_SRCS))))
$(foreach p,$(filter-out %_run,$(NETSOCK_TEST_PROGRAMS)),\
    $(eval $(call vfs_program,$(p),$(NETSOCK_TEST_DIR)/$(p).c)))
$(foreach p,$(filter %_run,$(NETSOCK_TEST_PROGRAMS)),\
    $(eval $(call user_program,$(p),$(NETSOCK_TEST_DIR)/$(p).c)))
VFS_TEST_SRCS += $(NETSOCK_TEST_SRCS)

# No FP/SIMD registers in the file path (client, server wiring, file service, core):
# gcc would zero structs with q registers, and a task's first FP/SIMD instruction after
# a switch traps to the kernel's lazy FP switch (~230 instructions, both sides of every
# round trip: docs/PERFORMANCE.md, "Small operations").
VFS_GP_OBJS := $(VFS_CORE_OBJS) $(VFS_CLIENT_OBJS) \
               $(patsubst %.c,$(USER_OBJ)/%.o,$(wildcard userland/vfs/server/*.c \
                                                     userland/vfs/server/files/*.c))
# The C library's descriptor table (libc/fd.c: every read, write, open and close of a
# file goes through it) is built the same way.
VFS_GP_OBJS += $(USER_OBJ)/userland/lib/libc/fd.o
# Atomics inline (LL/SC on the A72) rather than through libgcc's outlined helpers.
$(VFS_GP_OBJS): USER_CFLAGS += -mgeneral-regs-only -mno-outline-atomics

# Everything that includes a generated header waits for it.
$(VFS_CORE_OBJS) $(VFS_CLIENT_OBJS) $(patsubst %.c,$(USER_OBJ)/%.o,$(VFS_SERVER_SRCS)) \
    $(patsubst %.c,$(USER_OBJ)/%.o,$(VFS_TEST_SRCS)): | $(VFS_NK_STAMP)

.PHONY: vfs
vfs: $(USER_OUT)/bin/VfsFsnet $(VFS_CLIENT_OBJS) \
     $(foreach p,$(VFS_TEST_PROGRAMS),$(USER_OUT)/bin/$(p))

-include $(VFS_CORE_OBJS:.o=.d) $(VFS_CLIENT_OBJS:.o=.d) $(VFS_ROMFS_OBJ:.o=.d) \
    $(IUSER_OBJ)/userland/vfs/server/files/romfs_image.d
