// The KPI bar chart; its data and labels come from the page's JSON block #kpi-data.
(function () {
  var source = document.getElementById("kpi-data");
  var el = document.getElementById("kpi-chart");
  if (!window.echarts || !el || !source) return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  function series(name, values) {
    return {name: name, type: "bar", data: values.map(function (v) { return v === null ? null : Math.round(v * 1000) / 10; })};
  }
  chart.setOption({
    tooltip: {trigger: "axis"}, legend: {top: 0},
    grid: {left: 40, right: 10, bottom: 60, top: 40},
    xAxis: {type: "category", data: data.names, axisLabel: {rotate: 30}},
    yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
    series: [series(data.labels.response, data.response), series(data.labels.resolution, data.resolution),
             series(data.labels.satisfaction, data.satisfaction), series(data.labels.on_time, data.on_time)]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
