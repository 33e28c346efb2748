/**
 * What Tether's native layer shows its users: {@link dev.tether.unix.NativeCallException}, the one
 * exception every failed system call becomes, in every module.
 */
package dev.tether.unix;
