namespace Mpp.Client.Policy;

/// <summary>
/// A marker options type: <c>AddOptions&lt;MppStartupValidation&gt;().ValidateOnStart()</c> makes the host run
/// <see cref="MppStartupValidator"/>, hence <see cref="MppStartupCheck"/>, when it starts. <see cref="MppOptions"/> itself is
/// not validated by the options factory, so that an invalid reload never makes <c>IOptionsMonitor</c> throw.
/// </summary>
internal sealed class MppStartupValidation
{
}
