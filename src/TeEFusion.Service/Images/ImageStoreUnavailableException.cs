namespace TeEFusion.Service.Images;

/// <summary>The image store could not be read (after retries); the request is answered with 503.</summary>
public sealed class ImageStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
