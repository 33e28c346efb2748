/**
 * Tether's native layer: the one libc binding under every Tether module.
 *
 * <p>{@code dev.tether.unix} holds what users may meet ({@link
 * dev.tether.unix.NativeCallException});
 * {@code dev.tether.unix.internal} the checked calls, Linux constants, owned fds, sockets,
 * SCM_RIGHTS, epoll and posix_spawn that Tether's own modules use; {@code dev.tether.unix.jnr} the
 * jnr-ffi binding itself, the one package a move to the JDK's FFM API replaces.
 */
module dev.tether.unix {
  requires org.jnrproject.ffi;
  requires org.jnrproject.jffi;

  exports dev.tether.unix;
  exports dev.tether.unix.internal to dev.tether.channel, dev.tether.server;
  // jnr-ffi implements the binding's interfaces in a class loader of its own, whose classes are in
  // an unnamed module, not in org.jnrproject.ffi: a qualified export cannot reach them.
  exports dev.tether.unix.jnr;
}
