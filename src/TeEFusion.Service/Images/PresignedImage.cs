namespace TeEFusion.Service.Images;

/// <summary>A URL the client fetches an image from directly, valid until <see cref="ExpiresAt"/>.</summary>
public sealed record PresignedImage(Uri Url, DateTimeOffset ExpiresAt);
