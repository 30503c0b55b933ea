namespace Mpp.Client.Tempo.Session;

/// <summary>An <see cref="IChannelStore"/> could not read or write its channels; nothing was signed or sent on its account.</summary>
public sealed class ChannelStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ChannelStoreException()
    {
    }

    /// <summary>Creates the exception with a message (never a secret).</summary>
    public ChannelStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ChannelStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
