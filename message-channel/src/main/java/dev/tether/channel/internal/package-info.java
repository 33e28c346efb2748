/** Socket and fd plumbing (junixsocket, jnr-ffi) behind the channel; not exported. */
package dev.tether.channel.internal;
