# userland/net/net.mk: the network stack (docs/NET.md). Included by the top
# Makefile after userland/userland.mk (uses USER_OBJ, USER_CPPFLAGS,
# USER_CFLAGS, USER_AR, user_program, SHARED, Q, say).
#
# Interface:
#   NET_LWIP_DIR     the lwIP tree (default build/deps/lwip, from
#                    tools/deps/fetch-lwip-source.sh; fetched on demand)
#   NET_LWIP_LIB     $(SHARED)/net/liblwip.a   lwIP 2.1 built from NET_LWIP_DIR/src
#                    with userland/net/port (lwipopts.h, arch/, sys_arch.c)
#   NET_LIB          $(SHARED)/net/libnet.a    virtio-mmio + virtio-net driver,
#                    netif glue, net_init (userland/net/include/net/net.h)
#   NET_LIBS         both, for the LIBS argument of user_program
#   NET_CPPFLAGS     include paths for code that uses net/net.h or lwIP headers
#   NET_PROGRAMS     the programs of tests/guest/net (net_echo, ...)
#   net_program      $(eval $(call net_program,NAME,SOURCES)): a user program
#                    linked with NET_LIBS and compiled with NET_CPPFLAGS
#   NET=0            leave all of it out (no lwIP needed)
#   make net         builds the libraries and the programs

NET ?= 1
ifeq ($(NET),1)

NET_LWIP_DIR ?= build/deps/lwip
NET_OUT      := $(SHARED)/net
NET_OBJ      := $(NET_OUT)/obj
NET_LWIP_LIB := $(NET_OUT)/liblwip.a
NET_LIB      := $(NET_OUT)/libnet.a
NET_LIBS     := $(NET_LIB) $(NET_LWIP_LIB)
NET_CPPFLAGS := -Iuserland/net/include -Iuserland/net/port -Iuserland/net \
                -I$(NET_LWIP_DIR)/src/include

# ---- lwIP: IPv4, ARP/Ethernet, DHCP, DNS, IGMP, UDP, TCP, netconn, sockets ----
NET_LWIP_SRCS := \
    core/init.c core/def.c core/dns.c core/inet_chksum.c core/ip.c core/mem.c core/memp.c \
    core/netif.c core/pbuf.c core/raw.c core/stats.c core/sys.c core/tcp.c core/tcp_in.c \
    core/tcp_out.c core/timeouts.c core/udp.c \
    core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/igmp.c \
    core/ipv4/ip4_frag.c core/ipv4/ip4.c core/ipv4/ip4_addr.c \
    api/api_lib.c api/api_msg.c api/err.c api/if_api.c api/netbuf.c api/netdb.c \
    api/netifapi.c api/sockets.c api/tcpip.c \
    netif/ethernet.c
NET_LWIP_C    := $(addprefix $(NET_LWIP_DIR)/src/,$(NET_LWIP_SRCS))
NET_LWIP_OBJS := $(patsubst %.c,$(NET_OBJ)/lwip/%.o,$(NET_LWIP_SRCS))
NET_PORT_HDRS := $(wildcard userland/net/port/*.h userland/net/port/arch/*.h)

# Atomics inline (LDAXR/STLXR) rather than calls to libgcc's outline helpers:
# lwIP takes net_mutex (port/netlock.h) dozens of times per frame, and the
# Cortex-A72 of both boards has no LSE atomics for the helpers to pick anyway.
NET_ATOMICS := -mno-outline-atomics

# Third-party code: the user flags without -Werror.
NET_LWIP_CFLAGS := $(filter-out -Werror,$(USER_CFLAGS)) -Wno-unused-parameter $(NET_ATOMICS)

# The tree comes from Debian's source package; fetched when missing.
$(NET_LWIP_DIR)/VERSION:
	$(call say,FETCH,lwip)
	$(Q)tools/deps/fetch-lwip-source.sh $(NET_LWIP_DIR)
$(NET_LWIP_C): | $(NET_LWIP_DIR)/VERSION ;

$(NET_OBJ)/lwip/%.o: $(NET_LWIP_DIR)/src/%.c $(NET_PORT_HDRS)
	@mkdir -p $(dir $@)
	$(call say,LWIPCC,$<)
	$(Q)$(CC) $(USER_CPPFLAGS) $(NET_CPPFLAGS) $(NET_LWIP_CFLAGS) -c $< -o $@

$(NET_LWIP_LIB): $(NET_LWIP_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && $(USER_AR) rcs $@ $^

# ---- libnet: driver, port, glue (our code: the user rule, -Werror) ----
NET_LIB_SRCS := userland/net/virtio.c userland/net/virtio_net.c userland/net/net.c \
                userland/net/port/sys_arch.c userland/net/port/chksum.c \
                userland/net/port/netlock.c
NET_LIB_OBJS := $(patsubst %.c,$(USER_OBJ)/%.o,$(NET_LIB_SRCS))

$(USER_OBJ)/userland/net/%.o: USER_CPPFLAGS += $(NET_CPPFLAGS)
$(USER_OBJ)/userland/net/%.o: USER_CFLAGS += $(NET_ATOMICS)
NET_TEST_DIR := tests/guest/net
$(USER_OBJ)/$(NET_TEST_DIR)/%.o: USER_CPPFLAGS += $(NET_CPPFLAGS)
$(NET_LIB_OBJS) $(patsubst %.c,$(USER_OBJ)/%.o,$(wildcard $(NET_TEST_DIR)/*.c)): \
    | $(NET_LWIP_DIR)/VERSION

$(NET_LIB): $(NET_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)
	$(Q)rm -f $@ && $(USER_AR) rcs $@ $^

# ---- programs ----
define net_program
$(call user_program,$(1),$(2),$(NET_LIBS))
endef

NET_ECHO_SRCS := $(NET_TEST_DIR)/echo_server.c
NET_PROGRAMS := net_echo net_echo_static net_echo_fallback net_vq_selftest
$(eval $(call net_program,net_echo,$(NET_TEST_DIR)/net_echo.c $(NET_ECHO_SRCS)))
$(eval $(call net_program,net_echo_static,$(NET_TEST_DIR)/net_echo_static.c $(NET_ECHO_SRCS)))
$(eval $(call net_program,net_echo_fallback,$(NET_TEST_DIR)/net_echo_fallback.c $(NET_ECHO_SRCS)))
$(eval $(call net_program,net_vq_selftest,$(NET_TEST_DIR)/net_vq_selftest.c))

.PHONY: net
net: $(NET_LIB) $(NET_LWIP_LIB) $(foreach p,$(NET_PROGRAMS),$(USER_OUT)/bin/$(p))

-include $(NET_LWIP_OBJS:.o=.d) $(NET_LIB_OBJS:.o=.d)

else
NET_PROGRAMS :=
NET_LIBS :=
.PHONY: net
net:
	@echo "net: disabled (NET=0)"
endif
