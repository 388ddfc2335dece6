namespace TeEFusion.Service.Models;

/// <summary>Where the served model is in its life; only <see cref="Ready"/> serves work.</summary>
public enum ModelHostState
{
    Loading,
    Ready,
    Failed,
}
