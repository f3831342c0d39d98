// The monthly trend of residents' report KPIs; data and labels come from the page's JSON block.
(function () {
  var source = document.getElementById("report-trend-data");
  var el = document.getElementById("report-trend");
  if (!window.echarts || !el || !source) return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 40, right: 10, bottom: 30, top: 40},
    xAxis: {type: "category", data: data.trend.map(function (t) { return t[0]; })},
    yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
    series: Object.keys(data.labels).map(function (key) {
      return {name: data.labels[key], type: "line", connectNulls: true,
              data: data.trend.map(function (t) { var v = t[1][key]; return v === null ? null : Math.round(v * 1000) / 10; })};
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
