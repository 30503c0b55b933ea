namespace Mpp.Client.Tempo.Keys;

/// <summary>An <see cref="ITempoSigner"/> failed or returned a signature that cannot be used; nothing was sent.</summary>
internal sealed class TempoSignerException : Exception
{
    public TempoSignerException()
    {
    }

    public TempoSignerException(string message)
        : base(message)
    {
    }

    public TempoSignerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
