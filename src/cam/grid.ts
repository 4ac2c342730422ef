/** A heatmap grid, row-major `h × w`, any sign and scale (metrics.md, "Inputs of one instance"). */
export interface CamGrid {
  data: Float32Array;
  h: number;
  w: number;
}
