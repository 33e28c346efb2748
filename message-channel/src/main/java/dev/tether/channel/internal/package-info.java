/** Socket and fd plumbing behind the channel, over the native layer; not exported. */
package dev.tether.channel.internal;
