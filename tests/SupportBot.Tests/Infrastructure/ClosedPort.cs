using System.Net;
using System.Net.Sockets;

namespace SupportBot.Tests.Infrastructure;

/// <summary>
/// A loopback port that refuses connections for as long as this lives: bound but never listening, so no other
/// server started meanwhile can take it (a port merely found free can be, and then answers).
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public void Dispose() => _socket.Dispose();
}
