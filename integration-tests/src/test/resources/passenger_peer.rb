# A peer that uses Phusion Passenger's own Ruby MessageChannel (Debian package `passenger`),
# driven by Tether's PassengerInteropIT over a Unix socket. Usage: ruby passenger_peer.rb PATH
require 'socket'
require 'phusion_passenger/message_channel'

server = UNIXServer.new(ARGV[0])
$stdout.puts 'ready'
$stdout.flush
socket = server.accept
server.close
ch = PhusionPassenger::MessageChannel.new(socket)

while (message = ch.read)
  name, *args = message
  case name
  when 'echo'
    ch.write('echo', *args)
  when 'hash'
    hash = ch.read_hash
    ch.write(*hash.merge('ruby' => 'yes').flatten) # Passenger 6 has read_hash but no write_hash
  when 'scalar'
    ch.write_scalar(ch.read_scalar.reverse)
  when 'scalar_max'
    begin
      ch.read_scalar(''.b, Integer(args[0]))
      ch.write('no_error')
    rescue SecurityError => e
      socket.read(Integer(args[1])) # the refused body is still in the stream: skip it
      ch.write('security_error', e.message)
    end
  when 'send_io'
    reader, writer = IO.pipe
    ch.send_io(writer)
    writer.close
    ch.write('pipe_got', reader.read)
    reader.close
  when 'recv_io'
    io = ch.recv_io(IO, args[0] == 'true')
    io.write('from ruby')
    io.close
    ch.write('wrote')
  when 'binary'
    ch.write('binary', "\xff\x01".b, "caf\xc3\xa9".b, '')
  when 'odd_hash'
    ch.write('k1', 'v1', 'k2')
  when 'quit'
    break
  else
    ch.write('unknown', name)
  end
end
socket.close
