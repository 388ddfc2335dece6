namespace TeEFusion.Service.Worker;

/// <summary>
/// The device ran out of memory for a batch. LibTorch reports CUDA out-of-memory as an ExternalException whose text
/// says "out of memory"; <see cref="Matches"/> recognises both, and the worker answers by splitting the batch.
/// </summary>
public sealed class DeviceOutOfMemoryException(string message) : Exception(message)
{
    public static bool Matches(Exception exception) =>
        exception is DeviceOutOfMemoryException or OutOfMemoryException
        || exception.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase);
}
