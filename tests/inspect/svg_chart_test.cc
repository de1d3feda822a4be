// tests/inspect/svg_chart_test.cc: the static SVG line chart: nice ticks,
// one polyline per series (two when smoothed) with its points mapped into the
// frame, escaped labels, skipped non-finite points, and a placeholder when
// there is nothing to draw.
#include "inspect/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <sstream>

namespace rlzero::inspect {
namespace {

int Count(const std::string& s, const std::string& needle) {
  int n = 0;
  for (size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1)) ++n;
  return n;
}

TEST(SvgChartTest, NiceTicksAreRoundNumbersCoveringTheRange) {
  EXPECT_EQ(NiceTicks(0, 1, 5), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1.0}));
  EXPECT_EQ(NiceTicks(1, 150, 8), (std::vector<double>{20, 40, 60, 80, 100, 120, 140}));
  // Range 0.065 over 6 ticks: step 0.02 (0.01 would give 7), from the first
  // multiple inside the range.
  EXPECT_EQ(NiceTicks(-0.013, 0.052, 6), (std::vector<double>{0, 0.02, 0.04}));
  EXPECT_EQ(NiceTicks(-25, 130, 6), (std::vector<double>{0, 50, 100}));  // step 25 gives 7
  EXPECT_EQ(NiceTicks(3, 3, 5), (std::vector<double>{3}));
  EXPECT_TRUE(NiceTicks(NAN, 1, 5).empty());
}

TEST(SvgChartTest, DrawsEverySeriesInsideTheFrameWithEscapedLabels) {
  ChartSpec spec;
  spec.title = "acc <&> \"q\"";
  spec.y_label = "accuracy";
  spec.series.push_back({"seed 0", {1, 2, 3, 4}, {0.1, 0.2, NAN, 0.4}});
  spec.series.push_back({"seed <1>", {1, 2, 3, 4}, {0.0, 0.1, 0.3, 0.5}});
  spec.series.push_back({"empty", {}, {}});
  const std::string svg = RenderSvgLineChart(spec);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("acc &lt;&amp;&gt; &quot;q&quot;"), std::string::npos);
  EXPECT_NE(svg.find("seed &lt;1&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("seed <1>"), std::string::npos);
  EXPECT_EQ(Count(svg, "<polyline"), 2);  // the empty series draws nothing
  // Every point lies inside the drawing (720 x 400); the NaN point is skipped.
  std::regex points_re("points=\"([^\"]*)\"");
  std::vector<int> sizes;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), points_re);
       it != std::sregex_iterator(); ++it) {
    std::istringstream in((*it)[1].str());
    std::string pair;
    int n = 0;
    while (in >> pair) {
      const double x = std::stod(pair.substr(0, pair.find(','))),
                   y = std::stod(pair.substr(pair.find(',') + 1));
      EXPECT_GE(x, 0);
      EXPECT_LE(x, 720);
      EXPECT_GE(y, 0);
      EXPECT_LE(y, 400);
      ++n;
    }
    sizes.push_back(n);
  }
  EXPECT_EQ(sizes, (std::vector<int>{3, 4}));
}

TEST(SvgChartTest, SmoothingAddsAMovingAverageLine) {
  ChartSpec spec;
  spec.series.push_back({"a", {1, 2, 3}, {0, 1, 0}});
  spec.smooth_window = 2;
  EXPECT_EQ(Count(RenderSvgLineChart(spec), "<polyline"), 2);
}

TEST(SvgChartTest, NothingToDrawSaysSo) {
  ChartSpec spec;
  spec.series.push_back({"a", {1}, {NAN}});
  EXPECT_NE(RenderSvgLineChart(spec).find("no data"), std::string::npos);
}

}  // namespace
}  // namespace rlzero::inspect
